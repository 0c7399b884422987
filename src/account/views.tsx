import type { SessionUser } from '../auth/session.ts';
import { formatBytes, formatDate } from '../web/format.ts';

export type SessionListItem = { current: boolean; createdAt: Date; userAgent: string };

type Props = {
  user: SessionUser;
  used: number;
  quota: number;
  sessions: SessionListItem[];
  notice?: string;
  errors?: SettingsErrors;
};

export type SettingsErrors = { email?: string; password?: string; delete?: string };

function PasswordField({ id, name, label, autocomplete }: { id: string; name: string; label: string; autocomplete: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} name={name} type="password" autocomplete={autocomplete} required />
    </div>
  );
}

export function SettingsPage({ user, used, quota, sessions, notice, errors = {} }: Props) {
  return (
    <section class="narrow settings">
      <h1>Settings</h1>
      {notice && <p class="notice" role="status">{notice}</p>}
      <dl class="facts">
        <dt>Username</dt><dd>{user.username}</dd>
        <dt>Email</dt><dd>{user.email}</dd>
        <dt>Storage</dt><dd>{formatBytes(used)} of {formatBytes(quota)} used</dd>
      </dl>

      <h2 id="change-email">Change email</h2>
      {errors.email && <p class="form-error" role="alert">{errors.email}</p>}
      <form method="post" action="/settings/email" aria-labelledby="change-email">
        <div class="field">
          <label for="new-email">New email</label>
          <input id="new-email" name="email" type="email" autocomplete="email" required value={user.email} />
        </div>
        <PasswordField id="email-current-password" name="current" label="Current password" autocomplete="current-password" />
        <button type="submit">Change email</button>
      </form>

      <h2 id="change-password">Change password</h2>
      {errors.password && <p class="form-error" role="alert">{errors.password}</p>}
      <form method="post" action="/settings/password" aria-labelledby="change-password">
        <PasswordField id="current-password" name="current" label="Current password" autocomplete="current-password" />
        <PasswordField id="new-password" name="password" label="New password (8 to 256 characters)" autocomplete="new-password" />
        <button type="submit">Change password</button>
      </form>
      <p>Changing your password signs out every other session.</p>

      <h2 id="sessions">Active sessions</h2>
      <ul class="sessions">
        {sessions.map((s) => (
          <li>
            {s.userAgent || 'Unknown browser'} · since {formatDate(s.createdAt)}
            {s.current && <strong> (this browser)</strong>}
          </li>
        ))}
      </ul>
      <form method="post" action="/settings/sessions/sign-out-others">
        <button type="submit">Sign out all other sessions</button>
      </form>

      <h2 id="delete-account">Delete account</h2>
      <p>This deletes your account, every image you uploaded and all your sessions. It cannot be undone.</p>
      {errors.delete && <p class="form-error" role="alert">{errors.delete}</p>}
      <form method="post" action="/settings/delete-account" aria-labelledby="delete-account">
        <PasswordField id="confirm-password" name="password" label="Your password, to confirm" autocomplete="current-password" />
        <button type="submit" class="danger">Delete my account and all my images</button>
      </form>
    </section>
  );
}
