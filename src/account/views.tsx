import type { Viewer } from '../web/env.ts';
import Bowser from 'bowser';
import { formatBytes, LocalTime } from '../web/format.tsx';
import { Field, type FieldErrors } from '../web/forms.tsx';
import { PasskeyList } from '../passkeys/views.tsx';
import type { Security } from './security.ts';

export type SessionListItem = { current: boolean; createdAt: Date; userAgent: string };

type Props = {
  user: Viewer;
  security: Security;
  used: number;
  quota: number;
  sessions: SessionListItem[];
  notice?: string;
  failed?: FailedForm;
};

/** The settings form that was sent and refused: its messages beside its fields, its values kept. */
export type FailedForm = { form: 'email' | 'password' | 'delete'; errors: FieldErrors; values?: { email?: string } };

/** Whether the address is confirmed, and a way to send the link again while it is not. */
function EmailState({ security }: { security: Security }) {
  if (security.verified && !security.pendingEmail) return <span class="state ok">verified</span>;
  return (
    <>
      {!security.verified && <span class="state warn">not verified</span>}
      <form method="post" action="/settings/email/verify" class="inline">
        <button type="submit" class="link">Send the confirmation link again</button>
      </form>
    </>
  );
}

/** What protects the account, at a glance. */
function SecuritySummary({ security }: { security: Security }) {
  return (
    <dl class="facts security">
      <dt>Email</dt><dd>{security.verified ? 'Verified' : 'Not verified'}</dd>
      <dt>Two-factor login</dt>
      <dd>{security.totp ? 'On (authenticator app)' : 'Off'} · <a href="/settings/2fa">{security.totp ? 'Manage' : 'Turn on'}</a></dd>
      <dt>Recovery codes</dt><dd>{security.totp ? `${security.codesLeft} left` : 'None (they come with two-factor login)'}</dd>
      <dt>Passkeys</dt><dd>{security.passkeys.length || 'None'}</dd>
    </dl>
  );
}

/** "Firefox on Linux" from a User-Agent header; what is not recognised is left out. */
export function describeBrowser(userAgent: string) {
  if (!userAgent) return 'Unknown browser';
  const { browser, os } = Bowser.parse(userAgent);
  const name = browser.name || 'Unknown browser';
  return os.name ? `${name} on ${os.name}` : name;
}

export function SettingsPage({ user, security, used, quota, sessions, notice, failed }: Props) {
  const errorsOf = (form: FailedForm['form']): FieldErrors => (failed?.form === form ? failed.errors : {});
  const [email, password, remove] = [errorsOf('email'), errorsOf('password'), errorsOf('delete')];
  return (
    <section class="narrow settings">
      <h1>Settings</h1>
      {notice && <p class="notice" role="status">{notice}</p>}
      <dl class="facts">
        <dt>Username</dt><dd>{user.username}</dd>
        <dt>Email</dt><dd>{user.email} <EmailState security={security} /></dd>
        <dt>Storage</dt><dd>{formatBytes(used)} of {formatBytes(quota)} used</dd>
      </dl>

      <h2 id="security">Security</h2>
      <SecuritySummary security={security} />
      <h3 id="passkeys">Passkeys</h3>
      <p class="hint">A passkey signs you in with your fingerprint, face or device PIN, without your password; it also stands in for a two-factor code.</p>
      <PasskeyList passkeys={security.passkeys} askCode={security.totp} />

      <h2 id="email">Change email</h2>
      {security.pendingEmail && (
        <p class="notice" role="status">Waiting for <strong>{security.pendingEmail}</strong> to be confirmed: follow the link we sent there.
          Until then your account uses {user.email}.</p>
      )}
      {/* The #fragment brings a refused form's answer back to the form, not to the page's top. */}
      <form method="post" action="/settings/email#email" aria-labelledby="email" novalidate>
        <Field id="new-email" name="email" label="New email" type="email" autocomplete="email"
          value={failed?.values?.email ?? user.email} error={email.email} />
        <Field id="email-current-password" name="current" label="Current password" type="password"
          autocomplete="current-password" error={email.current} />
        <button type="submit">Change email</button>
      </form>

      <h2 id="change-password">Change password</h2>
      <form method="post" action="/settings/password#change-password" aria-labelledby="change-password" novalidate>
        <Field id="current-password" name="current" label="Current password" type="password"
          autocomplete="current-password" error={password.current} />
        <Field id="new-password" name="password" label="New password (8 to 256 characters)" type="password"
          autocomplete="new-password" error={password.password} />
        <button type="submit">Change password</button>
      </form>
      <p>Changing your password signs out every other session.</p>

      <h2 id="sessions">Active sessions</h2>
      <ul class="sessions">
        {sessions.map((s) => (
          <li>
            <strong>{describeBrowser(s.userAgent)}</strong> · since <LocalTime date={s.createdAt} />
            {s.current && <span class="badge"> (this browser)</span>}
          </li>
        ))}
      </ul>
      <form method="post" action="/settings/sessions/sign-out-others">
        <button type="submit">Sign out all other sessions</button>
      </form>

      <h2 id="api-tokens">API tokens</h2>
      <p>Upload from ShareX, curl or scripts with a personal token.</p>
      <p><a href="/settings/tokens">Manage API tokens</a></p>

      <h2 id="delete-account">Delete account</h2>
      <p>This deletes your account, every image you uploaded and all your sessions. It cannot be undone.</p>
      <form method="post" action="/settings/delete-account#delete-account" aria-labelledby="delete-account" novalidate>
        <Field id="confirm-password" name="password" label="Your password, to confirm" type="password"
          autocomplete="current-password" error={remove.password} />
        <button type="submit" class="danger">Delete my account and all my images</button>
      </form>
    </section>
  );
}
