// Passkeys through the browser's WebAuthn API. The server sends options and checks answers as
// JSON (base64url for bytes); this file only converts between that and what the API takes.
// Without WebAuthn (or without JavaScript) the passkey controls stay hidden.

const toBytes = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
const toText = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const withIds = (list) => (list ?? []).map((c) => ({ ...c, id: toBytes(c.id) }));

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(answer.error ?? (res.status === 429 ? 'Too many attempts; try again later.' : 'Something went wrong; try again.'));
  return answer;
}

function asJson(credential) {
  const r = credential.response;
  const response = { clientDataJSON: toText(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toText(r.attestationObject);
    response.transports = r.getTransports?.() ?? [];
  } else {
    response.authenticatorData = toText(r.authenticatorData);
    response.signature = toText(r.signature);
    if (r.userHandle) response.userHandle = toText(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response,
  };
}

async function register(form) {
  const fields = new FormData(form);
  const options = await post('/settings/passkeys/options', { password: fields.get('password'), code: fields.get('code') ?? undefined });
  const credential = await navigator.credentials.create({
    publicKey: { ...options, challenge: toBytes(options.challenge), user: { ...options.user, id: toBytes(options.user.id) }, excludeCredentials: withIds(options.excludeCredentials) },
  });
  return post('/settings/passkeys', { name: fields.get('name'), credential: asJson(credential) });
}

async function signIn(box) {
  const options = await post('/login/passkey/options', {});
  const credential = await navigator.credentials.get({
    publicKey: { ...options, challenge: toBytes(options.challenge), allowCredentials: withIds(options.allowCredentials) },
  });
  return post('/login/passkey', { credential: asJson(credential), next: box.dataset.next || undefined });
}

/** Runs `action`; on success goes where the server says, else shows why beside the control. */
async function run(control, action) {
  const error = control.querySelector('[data-passkey-error]');
  error.textContent = '';
  try {
    const { redirect } = await action();
    const target = new URL(redirect, location.href);
    location.assign(target);
    // A URL that differs from this page's only in its #fragment (settings after adding a
    // passkey) just scrolls: load the page again to show what changed.
    if (target.hash && target.pathname === location.pathname && target.search === location.search) location.reload();
  } catch (err) {
    // The person closed the browser's dialog: nothing to report.
    if (err.name === 'NotAllowedError' || err.name === 'AbortError') return;
    error.textContent = err.name === 'InvalidStateError' ? 'This passkey is already registered.' : err.message;
  }
}

function reveal() {
  if (!window.PublicKeyCredential) return;
  for (const el of document.querySelectorAll('[data-passkey-sign-in][hidden], [data-passkey-register][hidden]')) el.hidden = false;
}

document.addEventListener('click', (e) => {
  const box = e.target.closest?.('[data-passkey-sign-in]');
  if (box && e.target.closest('button')) run(box, () => signIn(box));
});
document.addEventListener('submit', (e) => {
  const form = e.target.closest?.('[data-passkey-register]');
  if (!form) return;
  e.preventDefault();
  run(form, () => register(form));
});
reveal();
