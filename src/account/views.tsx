import type { SessionUser } from '../auth/session.ts';
import { formatBytes } from '../web/format.ts';

type Props = { user: SessionUser; used: number; quota: number; deleteError?: string };

export function SettingsPage({ user, used, quota, deleteError }: Props) {
  return (
    <section class="narrow settings">
      <h1>Settings</h1>
      <dl class="facts">
        <dt>Username</dt><dd>{user.username}</dd>
        <dt>Email</dt><dd>{user.email}</dd>
        <dt>Storage</dt><dd>{formatBytes(used)} of {formatBytes(quota)} used</dd>
      </dl>
      <h2 id="delete-account">Delete account</h2>
      <p>This deletes your account, every image you uploaded and all your sessions. It cannot be undone.</p>
      {deleteError && <p class="form-error" role="alert">{deleteError}</p>}
      <form method="post" action="/settings/delete-account" aria-labelledby="delete-account">
        <div class="field">
          <label for="confirm-password">Your password, to confirm</label>
          <input id="confirm-password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button type="submit" class="danger">Delete my account and all my images</button>
      </form>
    </section>
  );
}
