import type { Queryable, Sql } from '../db/client.ts';
import type { Cursor } from '../images/list.sql.ts';
import { bumpPublicVersion } from '../instance/settings.sql.ts';
import type { Role } from '../web/env.ts';
import { keepAnAdmin } from '../auth/users.sql.ts';

/** An account as the admin's list shows it. */
export type Person = {
  id: string; username: string; email: string; role: Role; created_at: Date; ts: string;
  last_seen_at: Date | null; disabled_at: Date | null; images: number; used_bytes: number; quota_bytes: number | null;
};

const PERSON = (sql: Sql) => sql`u.id, u.username, u.email, u.role, u.created_at, u.created_at::text as ts, u.last_seen_at,
  u.disabled_at, u.used_bytes::float8 as used_bytes, u.quota_bytes::float8 as quota_bytes,
  (select count(*) from images i where i.user_id = u.id and i.deleted_at is null)::int as images`;

/** One page of accounts, newest first (keyset), whose name or email contains `q`; `limit + 1` rows. */
export function listPeople(sql: Sql, l: { q?: string; cursor?: Cursor; limit: number }) {
  const q = l.q?.toLowerCase();
  const matching = q ? sql`and (position(${q} in lower(u.username)) > 0 or position(${q} in lower(u.email)) > 0)` : sql``;
  const after = l.cursor ? sql`and (u.created_at, u.id) < (${l.cursor.key}::text::timestamptz, ${l.cursor.id})` : sql``;
  return sql<Person[]>`select ${PERSON(sql)} from users u where true ${matching} ${after}
    order by u.created_at desc, u.id desc limit ${l.limit + 1}`;
}

export async function findPerson(sql: Sql, username: string) {
  const [row]: [Person?] = await sql`select ${PERSON(sql)} from users u where lower(u.username) = lower(${username})`;
  return row;
}

export async function setRole(tx: Queryable, userId: string, role: Role) {
  if (role === 'user') await keepAnAdmin(tx, userId);
  await tx`update users set role = ${role} where id = ${userId}`;
}

/** The account's own quota; null: the instance's QUOTA_MB. */
export async function setQuota(tx: Queryable, userId: string, bytes: number | null) {
  await tx`update users set quota_bytes = ${bytes} where id = ${userId}`;
}

/**
 * Disables the account: it is signed out everywhere (waiting second-factor sign-ins too), and its
 * images and albums are withheld from everyone at once, every instance's page cache included.
 * Enabling lifts exactly that: each image and album comes back as its owner had left it.
 * Whether it changed anything (another admin may have done it first).
 */
export async function setDisabled(tx: Queryable, userId: string, disabled: boolean) {
  if (disabled) await keepAnAdmin(tx, userId);
  const rows = await tx`update users set disabled_at = ${disabled ? tx`now()` : null}
    where id = ${userId} and (disabled_at is null) = ${disabled} returning id`;
  if (rows.length === 0) return false;
  await tx`update images set owner_disabled = ${disabled} where user_id = ${userId}`;
  await tx`update albums set owner_disabled = ${disabled} where user_id = ${userId}`;
  if (disabled) {
    await tx`delete from sessions where user_id = ${userId}`;
    await tx`delete from login_challenges where user_id = ${userId}`;
  }
  await bumpPublicVersion(tx);
  return true;
}
