import { Field, FieldError, type FieldErrors } from '../web/forms.tsx';
import { LocalTime } from '../web/format.tsx';
import { Icon } from '../web/icons.tsx';
import { curlCommand } from './sharex.ts';
import type { Scope, TokenRow } from './tokens.sql.ts';

export const SCOPE_LABELS: Record<Scope, string> = {
  read: 'Read: list and download your images',
  write: 'Read and write: upload, edit, delete',
};
const SCOPE_SHORT: Record<Scope, string> = { read: 'Read', write: 'Read and write' };

export const EXPIRIES = ['never', '7', '30', '90', '365'] as const;
export type Expiry = (typeof EXPIRIES)[number];

/** What the create form was sent with (raw, as a refused form shows it again). */
export type TokenValues = { name?: string; scope?: string; expires?: string };

/** The token just made: shown on this answer only. */
export type NewToken = { name: string; scope: Scope; token: string; origin: string };

type Props = { tokens: TokenRow[]; created?: NewToken; values?: TokenValues; errors?: FieldErrors };

export function TokensPage({ tokens, created, values, errors }: Props) {
  return (
    <section class="narrow settings tokens">
      <a class="crumb" href="/settings"><Icon name="arrow-left" /> Settings</a>
      <h1>API tokens</h1>
      <p>A token lets ShareX, curl or your own scripts use your account through the <a href="/api/docs">API</a>.
        Keep it secret like a password: changing your password revokes every token.</p>
      {created && <NewTokenBox {...created} />}
      <h2 id="create-token">Create a token</h2>
      <TokenForm values={values} errors={errors} />
      <h2 id="your-tokens">Your tokens</h2>
      <TokenList tokens={tokens} />
    </section>
  );
}

function stateOf(t: TokenRow) {
  if (t.revoked_at) return 'Revoked';
  return t.live ? 'Live' : 'Expired';
}

export function TokenList({ tokens }: { tokens: TokenRow[] }) {
  if (tokens.length === 0) return <p class="hint">No tokens yet.</p>;
  return (
    <div class="table-scroll">
      <table class="admin-table token-table">
        <thead><tr><th>Name</th><th>Scope</th><th>Created</th><th>Last used</th><th>Expires</th><th>State</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          {tokens.map((t) => (
            <tr class={t.live ? undefined : 'disabled'}>
              <td class="token-name">{t.name}</td>
              <td>{SCOPE_SHORT[t.scope]}</td>
              <td><LocalTime date={t.created_at} /></td>
              <td>{t.last_used_at ? <LocalTime date={t.last_used_at} /> : 'Never'}</td>
              <td>{t.expires_at ? <LocalTime date={t.expires_at} /> : 'Never'}</td>
              <td><span class={t.live ? 'state ok' : 'state'}>{stateOf(t)}</span></td>
              <td>{t.live && (
                <form method="post" action={`/settings/tokens/${encodeURIComponent(t.id)}/revoke`} class="inline">
                  <button type="submit" class="danger small">Revoke<span class="visually-hidden"> {t.name}</span></button>
                </form>
              )}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const EXPIRY_LABELS: Record<Expiry, string> = { never: 'Never', 7: 'In 7 days', 30: 'In 30 days', 90: 'In 90 days', 365: 'In a year' };

export function TokenForm({ values = {}, errors = {} }: { values?: TokenValues; errors?: FieldErrors }) {
  const scope = values.scope ?? 'write';
  const expires = values.expires ?? 'never';
  return (
    // No #fragment: the answer opens at its top, where a new token is shown (the form is just below).
    <form method="post" action="/settings/tokens" class="token-form" aria-labelledby="create-token" novalidate>
      <Field id="token-name" name="name" label="Name" value={values.name} maxlength={100} error={errors.name}
        hint="What it is for, such as “ShareX on my laptop”" />
      <fieldset aria-describedby={errors.scope ? 'token-scope-error' : undefined}>
        <legend>What it may do</legend>
        {(Object.keys(SCOPE_LABELS) as Scope[]).map((s) => (
          <label class="choice"><input type="radio" name="scope" value={s} checked={scope === s} /> {SCOPE_LABELS[s]}</label>
        ))}
        <FieldError id="token-scope" error={errors.scope} />
      </fieldset>
      <div class="field">
        <label for="token-expires">Expires</label>
        <select id="token-expires" name="expires" aria-invalid={errors.expires ? 'true' : undefined}
          aria-describedby={errors.expires ? 'token-expires-error' : undefined}>
          {EXPIRIES.map((e) => <option value={e} selected={expires === e}>{EXPIRY_LABELS[e]}</option>)}
        </select>
        <FieldError id="token-expires" error={errors.expires} />
      </div>
      <Field id="token-current-password" name="current" label="Current password" type="password"
        autocomplete="current-password" error={errors.current} hint="A token acts for you until it expires or is revoked" />
      <button type="submit">Create token</button>
    </form>
  );
}

/** The new token with what to do with it; its value is on this page and nowhere else. */
function NewTokenBox({ name, scope, token, origin }: NewToken) {
  return (
    <div class="notice new-token" role="status">
      <p><strong>Copy this token now; it will not be shown again.</strong></p>
      <CopyField id="new-token" label={`Token “${name}” (${SCOPE_SHORT[scope].toLowerCase()})`} value={token} />
      <CopyField id="curl-command" label={scope === 'write' ? 'Upload an image with curl' : 'List your images with curl'}
        value={curlCommand(origin, token, scope)} multiline />
      {scope === 'write' && (
        <form method="post" action="/settings/tokens/sharex" class="sharex">
          <input type="hidden" name="token" value={token} />
          <button type="submit" class="secondary"><Icon name="download" /> Download ShareX uploader (.sxcu)</button>
          <p class="hint">Open the file with ShareX: screenshots then upload here, unlisted, and their link is copied.</p>
        </form>
      )}
    </div>
  );
}

/** A read-only field to select, with a Copy button when scripts run (static/app.js). */
function CopyField({ id, label, value, multiline }: { id: string; label: string; value: string; multiline?: boolean }) {
  return (
    <div class="copy-field">
      <label for={id}>{label}</label>
      <div class="copy-row">
        {multiline
          ? <textarea id={id} readonly rows={4} spellcheck={false}>{value}</textarea>
          : <input id={id} type="text" readonly value={value} spellcheck={false} autocomplete="off" />}
        <button type="button" class="secondary" data-copy={id} hidden><Icon name="copy" /> Copy</button>
      </div>
    </div>
  );
}
