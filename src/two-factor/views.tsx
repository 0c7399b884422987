import { raw } from 'hono/html';
import { PasskeySignIn } from '../auth/views.tsx';
import { Field, FormError, type FieldErrors } from '../web/forms.tsx';

const CodeField = (props: { error?: string; id?: string; label?: string; hint?: string }) => (
  <Field id={props.id} name="code" label={props.label ?? 'Code'} autocomplete="one-time-code" error={props.error} maxlength={20}
    hint={props.hint ?? 'The 6 digits your authenticator app shows, or one of your recovery codes'} />
);

/** Turning it on: the secret as a QR code and as text, and the code that proves the app has it. */
export function EnableTotp(props: { uri: string; qr: string; secret: string; manual: string; errors?: FieldErrors }) {
  const e = props.errors ?? {};
  return (
    <section class="narrow settings">
      <h1>Two-factor login</h1>
      <p>After your password, log-ins will ask for a code from an authenticator app (such as Aegis, Google Authenticator or 1Password).</p>
      <ol class="steps">
        <li>Scan this code with the app:
          <figure class="qr" role="img" aria-label="QR image of the setup link">{raw(props.qr)}</figure>
          <p class="hint">Cannot scan? Enter this key in the app: <code class="secret">{props.manual}</code></p>
          <details><summary>The full setup link</summary><code class="secret">{props.uri}</code></details>
        </li>
        <li>Enter the code the app shows now, and your password:
          <form method="post" action="/settings/2fa" novalidate>
            <FormError error={e.secret} />
            <input type="hidden" name="secret" value={props.secret} />
            <CodeField error={e.code} hint="6 digits" />
            <Field id="on-password" name="password" label="Your password" type="password" autocomplete="current-password" error={e.password} />
            <button type="submit">Turn on two-factor login</button>
          </form>
        </li>
      </ol>
      <p><a href="/settings#security">Back to settings</a></p>
    </section>
  );
}

/** Shown once, right after they are made: only their hashes are kept. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <section class="narrow settings">
      <h1>Your recovery codes</h1>
      <p role="status">Two-factor login is on. Keep these codes somewhere safe: each one logs you in once if you lose your authenticator app. <strong>They are shown only now.</strong></p>
      <pre class="recovery-codes" aria-label="Recovery codes">{codes.join('\n')}</pre>
      <p><a class="button" href="/settings#security">I have saved them</a></p>
    </section>
  );
}

/** While it is on: what is left, and the ways to change it. */
export function TotpOn(props: { codesLeft: number; errors?: FieldErrors; form?: 'off' | 'codes' }) {
  const e = (form: 'off' | 'codes') => (props.form === form ? props.errors ?? {} : {});
  return (
    <section class="narrow settings">
      <h1>Two-factor login</h1>
      <p>Two-factor login is <strong>on</strong>. You have <strong>{props.codesLeft}</strong> recovery code{props.codesLeft === 1 ? '' : 's'} left.</p>

      <h2 id="new-codes">New recovery codes</h2>
      <p>Makes ten new codes; the old ones stop working. Needs your password and a code.</p>
      <form method="post" action="/settings/2fa/recovery-codes#new-codes" aria-labelledby="new-codes" novalidate>
        <Field id="codes-password" name="password" label="Your password" type="password" autocomplete="current-password" error={e('codes').password} />
        <CodeField id="codes-code" error={e('codes').code} />
        <button type="submit" class="secondary">Make new recovery codes</button>
      </form>

      <h2 id="turn-off">Turn off</h2>
      <form method="post" action="/settings/2fa/disable#turn-off" aria-labelledby="turn-off" novalidate>
        <FormError error={e('off').form} />
        <Field id="off-password" name="password" label="Your password" type="password" autocomplete="current-password" error={e('off').password} />
        <CodeField id="off-code" error={e('off').code} />
        <button type="submit" class="danger">Turn off two-factor login</button>
      </form>
      <p><a href="/settings#security">Back to settings</a></p>
    </section>
  );
}

/** The second step of a log-in. */
export function SecondFactorForm({ error }: { error?: string }) {
  return (
    <section class="narrow">
      <h1>Two-factor login</h1>
      <p>Enter the code from your authenticator app, or one of your recovery codes.</p>
      <FormError error={error} />
      <form method="post" action="/login/2fa" novalidate>
        <CodeField />
        <button type="submit">Log in</button>
      </form>
      <PasskeySignIn label="Use a passkey instead" />
      <p><a href="/login">Start again</a></p>
    </section>
  );
}
