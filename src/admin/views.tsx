import type { AuditEntry } from '../instance/audit.sql.ts';
import type { InstanceSettings, Registration } from '../instance/settings.sql.ts';
import type { Invite } from '../auth/invites.sql.ts';
import { Field, FormError, type FieldErrors } from '../web/forms.tsx';
import { formatBytes, LocalTime } from '../web/format.tsx';
import { Icon } from '../web/icons.tsx';
import { megabytes } from './fields.ts';
import type { overview } from './overview.sql.ts';

export function Overview({ o }: { o: Awaited<ReturnType<typeof overview>> }) {
  const stat = (label: string, value: string | number, href?: string) => (
    <div class="stat"><dt>{label}</dt><dd>{href ? <a href={href}>{value}</a> : value}</dd></div>
  );
  return (
    <>
      <dl class="stats">
        {stat('Accounts', o.accounts, '/admin/users')}
        {stat('Disabled accounts', o.disabled)}
        {stat('Images', o.images)}
        {stat('Stored', formatBytes(o.bytes))}
        {stat('Uploads in the last day', o.uploads_day)}
        {stat('Open reports', o.open_reports, '/admin/reports')}
        {stat('Mail waiting to be sent', o.mail_waiting)}
      </dl>
      <h2>Janitor</h2>
      {o.janitor_at
        ? <p>Last run <LocalTime date={o.janitor_at} />: {o.trashed} image(s) purged from the trash, {o.retried} queued deletion(s) retried, {o.orphans} orphaned object(s) removed.</p>
        : <p>The janitor has not run yet (it runs every JANITOR_INTERVAL_MINUTES, and with <code>npm run janitor</code>).</p>}
    </>
  );
}

const REGISTRATION_LABELS: Record<Registration, string> = {
  open: 'Open: anyone may sign up',
  invite: 'By invitation: only with an invite link',
  closed: 'Closed: nobody may sign up',
};

export type SettingsValues = { registration: Registration; default_quota_mb: string; gallery_public: boolean };

export function settingsValues(s: InstanceSettings): SettingsValues {
  const mb = s.default_quota_bytes === null ? '' : String(megabytes(s.default_quota_bytes));
  return { registration: s.registration, default_quota_mb: mb, gallery_public: s.gallery_public };
}

export function SettingsForm({ values, errors = {}, quotaMb }: { values: SettingsValues; errors?: FieldErrors; quotaMb: number }) {
  return (
    <form method="post" action="/admin/settings" class="admin-form">
      <FormError error={errors.form} />
      <fieldset>
        <legend>Who may sign up</legend>
        {(Object.keys(REGISTRATION_LABELS) as Registration[]).map((r) => (
          <label class="choice"><input type="radio" name="registration" value={r} checked={values.registration === r} /> {REGISTRATION_LABELS[r]}</label>
        ))}
        {errors.registration && <p class="field-error" role="alert">{errors.registration}</p>}
      </fieldset>
      <Field name="default_quota_mb" label="Storage for each new account (MB)" type="number" value={values.default_quota_mb}
        required={false} error={errors.default_quota_mb} hint={`Blank: ${quotaMb} MB (QUOTA_MB). Accounts made before keep theirs.`} />
      <label class="choice">
        <input type="checkbox" name="gallery_public" value="1" checked={values.gallery_public} /> Visitors who are not signed in may browse the gallery
      </label>
      <p class="hint">Off: the gallery, profiles and public albums are for members; an image or album opened by its link still shows.</p>
      <button type="submit">Save settings</button>
    </form>
  );
}

export type InviteValues = { email?: string; uses?: string; days?: string };

export function InviteForm({ values = {}, errors = {} }: { values?: InviteValues; errors?: FieldErrors }) {
  return (
    <form method="post" action="/admin/invites" class="admin-form inline-fields">
      <Field name="email" label="For email (optional)" type="email" value={values.email} required={false} error={errors.email}
        hint="Only this address may use it" />
      <Field name="uses" label="Uses" type="number" value={values.uses ?? '1'} error={errors.uses} />
      <Field name="days" label="Expires in days" type="number" value={values.days ?? '7'} required={false} error={errors.days} hint="Blank: never" />
      <button type="submit">Create invite link</button>
    </form>
  );
}

function inviteState(i: Invite) {
  if (i.revoked_at) return 'Revoked';
  if (i.uses >= i.max_uses) return 'Used up';
  if (i.expires_at && i.expires_at <= new Date()) return 'Expired';
  return 'Active';
}

export function InviteList({ invites }: { invites: (Invite & { creator: string | null })[] }) {
  if (invites.length === 0) return <p>No invites yet.</p>;
  return (
    <table class="admin-table">
      <thead><tr><th>Created</th><th>For</th><th>Used</th><th>Expires</th><th>By</th><th>State</th><th></th></tr></thead>
      <tbody>
        {invites.map((i) => (
          <tr>
            <td><LocalTime date={i.created_at} /></td>
            <td>{i.email ?? 'Anyone'}</td>
            <td>{i.uses} of {i.max_uses}</td>
            <td>{i.expires_at ? <LocalTime date={i.expires_at} /> : 'Never'}</td>
            <td>{i.creator ?? '(deleted)'}</td>
            <td>{inviteState(i)}</td>
            <td>{inviteState(i) === 'Active' && (
              <form method="post" action={`/admin/invites/${i.id}/revoke`} class="inline">
                <button type="submit" class="secondary small">Revoke</button>
              </form>
            )}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The new invite's link: shown once (only its hash is kept). */
export function NewInvite({ link, email }: { link: string; email?: string }) {
  return (
    <div class="notice" role="status">
      <p>Invite link created{email ? ` for ${email}` : ''}. Copy it now: it is not shown again.</p>
      <div class="copy-field">
        <label for="invite-link">Invite link</label>
        <div class="copy-row">
          <input id="invite-link" type="text" readonly value={link} spellcheck={false} />
          <button type="button" class="secondary" data-copy="invite-link" hidden><Icon name="copy" /> Copy</button>
        </div>
      </div>
    </div>
  );
}

export function AuditLog({ entries, next }: { entries: AuditEntry[]; next?: string }) {
  if (entries.length === 0) return <p>No admin actions yet.</p>;
  return (
    <>
      <table class="admin-table">
        <thead><tr><th>When</th><th>Who</th><th>Did</th><th>To</th><th>Details</th></tr></thead>
        <tbody>
          {entries.map((e) => (
            <tr><td><LocalTime date={e.at} /></td><td>{e.actor}</td><td><code>{e.action}</code></td><td>{e.target}</td><td>{e.detail}</td></tr>
          ))}
        </tbody>
      </table>
      {next && <p class="more"><a class="button secondary" href={`/admin/audit?before=${next}`} rel="next">Older entries</a></p>}
    </>
  );
}
