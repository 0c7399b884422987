import type { Queryable } from '../db/client.ts';
import { hashToken } from './session.ts';

const TTL_MS = 10 * 60_000;

/** A sign-in waiting for its second factor (the token only goes to the browser, its hash here). */
export async function createChallenge(sql: Queryable, token: string, userId: string, next: string) {
  await sql`delete from login_challenges where expires_at <= now()`;
  await sql`insert into login_challenges (id, user_id, next, expires_at)
            values (${hashToken(token)}, ${userId}, ${next}, now() + ${TTL_MS} * interval '1 millisecond')`;
}

export async function findChallenge(sql: Queryable, token: string) {
  const [row]: [{ user_id: string; next: string }?] = await sql`
    select user_id, next from login_challenges where id = ${hashToken(token)} and expires_at > now()`;
  return row;
}

/** Ends the challenge; true for the one request that ended it (a second factor completes one sign-in). */
export async function endChallenge(sql: Queryable, token: string) {
  return (await sql`delete from login_challenges where id = ${hashToken(token)} returning id`).length === 1;
}

/** Ends every waiting sign-in of the account (its password changed). */
export async function endChallenges(sql: Queryable, userId: string) {
  await sql`delete from login_challenges where user_id = ${userId} or expires_at <= now()`;
}
