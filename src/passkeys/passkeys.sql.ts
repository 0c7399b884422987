import type { Queryable } from '../db/client.ts';

export type PasskeyRow = { id: string; user_id: string; public_key: Uint8Array; counter: number; transports: string; name: string; created_at: Date; last_used_at: Date | null };

const CHALLENGE_TTL_MS = 5 * 60_000;

/** Stores a new passkey; false when that credential is registered already (to anyone). */
export async function insertPasskey(sql: Queryable, p: Pick<PasskeyRow, 'id' | 'user_id' | 'public_key' | 'counter' | 'transports' | 'name'>) {
  const rows = await sql`insert into passkeys (id, user_id, public_key, counter, transports, name)
                         values (${p.id}, ${p.user_id}, ${Buffer.from(p.public_key)}, ${p.counter}, ${p.transports}, ${p.name})
                         on conflict (id) do nothing returning id`;
  return rows.length === 1;
}

export async function passkeysOf(sql: Queryable, userId: string) {
  return sql<PasskeyRow[]>`select id, user_id, public_key, counter::float8 as counter, transports, name, created_at, last_used_at
                           from passkeys where user_id = ${userId} order by created_at`;
}

export async function findPasskey(sql: Queryable, id: string) {
  const [row]: [PasskeyRow?] = await sql`select id, user_id, public_key, counter::float8 as counter, transports, name, created_at, last_used_at
                                         from passkeys where id = ${id}`;
  return row;
}

export async function recordUse(sql: Queryable, id: string, counter: number) {
  await sql`update passkeys set counter = ${counter}, last_used_at = now() where id = ${id}`;
}

export async function deletePasskey(sql: Queryable, userId: string, id: string) {
  return (await sql`delete from passkeys where id = ${id} and user_id = ${userId} returning id`).length === 1;
}

/** Keeps a challenge until its answer comes (`userId`: the account registering; null: a sign-in). */
export async function saveChallenge(sql: Queryable, challenge: string, userId: string | null) {
  await sql`delete from webauthn_challenges where expires_at <= now()`;
  await sql`insert into webauthn_challenges (challenge, user_id, expires_at)
            values (${challenge}, ${userId}, now() + ${CHALLENGE_TTL_MS} * interval '1 millisecond')`;
}

/** Uses up a live challenge that was made for `userId` (null: for a sign-in); true once. */
export async function takeChallenge(sql: Queryable, challenge: string, userId: string | null) {
  const rows = await sql`delete from webauthn_challenges
                         where challenge = ${challenge} and expires_at > now() and user_id is not distinct from ${userId}
                         returning challenge`;
  return rows.length === 1;
}
