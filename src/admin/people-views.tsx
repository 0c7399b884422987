import { formatBytes, LocalTime, plural } from '../web/format.tsx';
import { FormError, type FieldErrors } from '../web/forms.tsx';
import { MB, megabytes } from './fields.ts';
import type { Person } from './people.sql.ts';

const state = (p: Person) => (p.disabled_at ? 'Disabled' : 'Active');
export const personUrl = (username: string) => `/admin/users/${encodeURIComponent(username)}`;

export function PeopleSearch({ q }: { q?: string }) {
  return (
    <form method="get" action="/admin/users" class="search" role="search">
      <label for="people-q" class="visually-hidden">Search by name or email</label>
      <input id="people-q" type="search" name="q" value={q ?? ''} placeholder="Search by name or email" maxlength={100} />
      <button type="submit" class="secondary">Search</button>
    </form>
  );
}

export function PeopleTable({ people, next, q }: { people: Person[]; next?: string; q?: string }) {
  if (people.length === 0) return <p>{q ? `No account matches “${q}”.` : 'No accounts yet.'}</p>;
  const more = new URLSearchParams({ ...(q ? { q } : {}), ...(next ? { cursor: next } : {}) });
  return (
    <>
      <div class="table-scroll">
        <table class="admin-table people">
          <thead><tr><th>Name</th><th>Email</th><th>Created</th><th>Last seen</th><th>Images</th><th>Stored</th><th>Role</th><th>State</th></tr></thead>
          <tbody>
            {people.map((p) => (
              <tr class={p.disabled_at ? 'disabled' : undefined}>
                <td><a href={personUrl(p.username)}>{p.username}</a></td>
                <td>{p.email}</td>
                <td><LocalTime date={p.created_at} /></td>
                <td>{p.last_seen_at ? <LocalTime date={p.last_seen_at} /> : 'Never'}</td>
                <td>{p.images}</td>
                <td>{formatBytes(p.used_bytes)}</td>
                <td>{p.role === 'admin' ? 'Admin' : 'User'}</td>
                <td>{state(p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next && <p class="more"><a class="button secondary" href={`/admin/users?${more}`} rel="next">Next page</a></p>}
    </>
  );
}

/** One account: what it is, and the admin's controls (each its own small form, so each can fail alone). */
export function PersonPage({ p, quotaMb, self, errors = {} }: { p: Person; quotaMb: number; self: boolean; errors?: FieldErrors }) {
  const action = personUrl(p.username);
  const quota = p.quota_bytes === null ? '' : String(megabytes(p.quota_bytes));
  return (
    <>
      <FormError error={errors.form} />
      <dl class="facts">
        <dt>Email</dt><dd>{p.email}</dd>
        <dt>Created</dt><dd><LocalTime date={p.created_at} /></dd>
        <dt>Last seen</dt><dd>{p.last_seen_at ? <LocalTime date={p.last_seen_at} /> : 'Never'}</dd>
        <dt>Images</dt><dd>{plural(p.images)}, {formatBytes(p.used_bytes)} of {formatBytes(p.quota_bytes ?? quotaMb * MB)}</dd>
        <dt>Role</dt><dd>{p.role === 'admin' ? 'Admin' : 'User'}</dd>
        <dt>State</dt><dd>{p.disabled_at ? <>Disabled since <LocalTime date={p.disabled_at} /></> : 'Active'}</dd>
      </dl>
      <div class="admin-actions">
        <form method="post" action={action} class="admin-form">
          <h2>Storage</h2>
          <div class="field">
            <label for="f-quota_mb">Quota (MB)</label>
            <small id="f-quota_mb-hint">Blank: {quotaMb} MB (QUOTA_MB)</small>
            <input id="f-quota_mb" name="quota_mb" type="number" min="1" value={quota} aria-describedby="f-quota_mb-hint"
              aria-invalid={errors.quota_mb ? 'true' : undefined} />
            {errors.quota_mb && <p class="field-error">{errors.quota_mb}</p>}
          </div>
          <button type="submit" class="secondary">Save quota</button>
        </form>
        <form method="post" action={action} class="admin-form">
          <h2>Role</h2>
          <input type="hidden" name="role" value={p.role === 'admin' ? 'user' : 'admin'} />
          <p>{p.role === 'admin' ? 'Admins run this instance: people, reports, settings.' : 'Make them an admin to let them run this instance too.'}</p>
          <button type="submit" class="secondary">{p.role === 'admin' ? 'Make a user' : 'Make an admin'}</button>
        </form>
        {!self && (
          <form method="post" action={action} class="admin-form">
            <h2>Access</h2>
            <input type="hidden" name="disabled" value={p.disabled_at ? '0' : '1'} />
            <p>{p.disabled_at
              ? 'Enabling lets them sign in again and brings back their public images and albums as they were.'
              : 'Disabling signs them out everywhere, refuses their logins and hides their public images, albums and profile.'}</p>
            <button type="submit" class={p.disabled_at ? 'secondary' : 'danger'}>{p.disabled_at ? 'Enable account' : 'Disable account'}</button>
          </form>
        )}
        {!self && (
          <div class="admin-form">
            <h2>Delete</h2>
            <p>Deletes the account with every image, album and session: it cannot be undone.</p>
            <a class="button danger" href={`${action}/delete`}>Delete account…</a>
          </div>
        )}
      </div>
    </>
  );
}

export function DeletePerson({ p, error }: { p: Person; error?: string }) {
  return (
    <form method="post" action={`${personUrl(p.username)}/delete`} class="admin-form narrow">
      <p>This deletes <strong>{p.username}</strong> ({p.email}) with {plural(p.images)} ({formatBytes(p.used_bytes)}), their albums and sessions, for good.</p>
      <div class="field">
        <label for="f-confirm">Type the username to confirm</label>
        <input id="f-confirm" name="confirm" autocomplete="off" required aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'f-confirm-error' : undefined} />
        {error && <p class="field-error" id="f-confirm-error">{error}</p>}
      </div>
      <button type="submit" class="danger">Delete {p.username}</button> <a href={personUrl(p.username)}>Cancel</a>
    </form>
  );
}
