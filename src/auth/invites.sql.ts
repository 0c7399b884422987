import { randomBytes } from 'node:crypto';
import type { Queryable, Sql } from '../db/client.ts';
import { randomId } from '../web/ids.ts';
import { hashToken } from './session.ts';

export type Invite = {
  id: string; email: string | null; max_uses: number; uses: number;
  expires_at: Date | null; created_at: Date; revoked_at: Date | null; created_by: string | null;
};

/** A new invite link's token (256 random bits); only its hash is stored. */
export async function createInvite(sql: Queryable, i: { email?: string; maxUses: number; expiresInDays?: number; createdBy: string }) {
  const token = randomBytes(32).toString('base64url');
  const id = randomId();
  const expires = i.expiresInDays ? sql`now() + ${i.expiresInDays} * interval '1 day'` : sql`null`;
  await sql`insert into invites (id, token_hash, email, max_uses, expires_at, created_by)
    values (${id}, ${hashToken(token)}, ${i.email ?? null}, ${i.maxUses}, ${expires}, ${i.createdBy})`;
  return { id, token };
}

/** The rows an invite must match to let someone in: not revoked, not expired, uses left, for this address if it names one. */
function usable(sql: Queryable, token: string, email?: string) {
  const forAddress = email === undefined ? sql`` : sql`and (email is null or lower(email) = lower(${email}))`;
  return sql`token_hash = ${hashToken(token)} and revoked_at is null and uses < max_uses
    and (expires_at is null or expires_at > now()) ${forAddress}`;
}

/** The invite of `token` while it can still be used (by anyone, or by `email`). */
export async function findUsableInvite(sql: Queryable, token: string, email?: string) {
  const [row]: [Pick<Invite, 'id' | 'email'>?] = await sql`select id, email from invites where ${usable(sql, token, email)}`;
  return row;
}

/** Spends one use of the invite, in one statement so two sign-ups cannot share its last use; false when it cannot be used. */
export async function useInvite(tx: Queryable, token: string, email: string) {
  const rows = await tx`update invites set uses = uses + 1 where ${usable(tx, token, email)} returning id`;
  return rows.length === 1;
}

/** Ends an invite; false when there is no such live one. */
export async function revokeInvite(sql: Queryable, id: string) {
  const rows = await sql`update invites set revoked_at = now() where id = ${id} and revoked_at is null returning id`;
  return rows.length === 1;
}

/** Every invite, newest first, with the creator's name (`limit` at most). */
export function listInvites(sql: Sql, limit: number) {
  return sql<(Invite & { creator: string | null })[]>`
    select i.id, i.email, i.max_uses, i.uses, i.expires_at, i.created_at, i.revoked_at, i.created_by, u.username as creator
    from invites i left join users u on u.id = i.created_by
    order by i.created_at desc, i.id desc limit ${limit}`;
}
