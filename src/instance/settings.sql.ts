import type { Queryable } from '../db/client.ts';

export const REGISTRATIONS = ['open', 'invite', 'closed'] as const;
export type Registration = (typeof REGISTRATIONS)[number];

/** What the admin decided for the whole instance (sql/0014): every instance reads the one row. */
export type InstanceSettings = {
  registration: Registration;
  /** The quota a new account starts with; null: QUOTA_MB. */
  default_quota_bytes: number | null;
  /** Whether signed-out visitors may browse the gallery's lists. */
  gallery_public: boolean;
};

/**
 * The settings; `forUpdate` inside a sign-up's transaction, so a sign-up and a change of who may
 * sign up take turns: once "closed" is saved, no sign-up that read "open" is still to commit.
 */
export async function readSettings(sql: Queryable, forUpdate = false) {
  const [row] = await sql<(Omit<InstanceSettings, 'default_quota_bytes'> & { default_quota_bytes: string | null })[]>`
    select registration, default_quota_bytes::text, gallery_public from instance_settings ${forUpdate ? sql`for update` : sql``}`;
  return { ...row!, default_quota_bytes: row!.default_quota_bytes === null ? null : Number(row!.default_quota_bytes) } as InstanceSettings;
}

/** Saves the settings; public pages render again, since the home page differs when the gallery is for members. */
export async function saveSettings(sql: Queryable, s: InstanceSettings) {
  await sql`update instance_settings set registration = ${s.registration},
    default_quota_bytes = ${s.default_quota_bytes}, gallery_public = ${s.gallery_public}`;
  await bumpPublicVersion(sql);
}

/** Makes every instance's page cache render public pages again (sql/0006): for changes no trigger sees. */
export async function bumpPublicVersion(sql: Queryable) {
  await sql`update public_version set n = n + 1`;
}
