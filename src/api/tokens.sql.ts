import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Sql } from '../db/client.ts';
import { hashToken } from '../auth/session.ts';
import { randomId } from '../web/ids.ts';
import type { Role } from '../web/env.ts';

export type Scope = 'read' | 'write';
export const SCOPES: readonly Scope[] = ['read', 'write'];

/** The prefix that lets secret scanners (GitHub's, gitleaks) recognise a leaked token. */
export const TOKEN_PREFIX = 'cir_';

export type TokenRow = {
  id: string; name: string; scope: Scope; created_at: Date;
  last_used_at: Date | null; expires_at: Date | null; revoked_at: Date | null;
  /** Neither revoked nor expired. */
  live: boolean;
};

/** Who a live token acts for, and what it may do. */
export type TokenUser = { tokenId: string; scope: Scope; id: string; username: string; role: Role; used: boolean };

/** A new token for `userId`; the token itself is returned once and only its hash is stored. */
export async function createToken(sql: Sql, t: { userId: string; name: string; scope: Scope; expiresInDays?: number }) {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomId();
  const expires = t.expiresInDays ? sql`now() + ${t.expiresInDays} * interval '1 day'` : sql`null`;
  await sql`insert into api_tokens (id, user_id, name, scope, token_hash, expires_at)
    values (${id}, ${t.userId}, ${t.name}, ${t.scope}, ${hashToken(token)}, ${expires})`;
  return { id, token };
}

/** A token that was neither revoked nor has expired (`t`: the table's alias, if any). */
function live(sql: Sql, t?: string) {
  const column = (name: string) => sql(t ? `${t}.${name}` : name);
  return sql`${column('revoked_at')} is null and (${column('expires_at')} is null or ${column('expires_at')} > now())`;
}

/** The user's tokens, newest first, live ones before ended ones. */
export function listTokens(sql: Sql, userId: string) {
  return sql<TokenRow[]>`
    select id, name, scope, created_at, last_used_at, expires_at, revoked_at,
           ${live(sql)} as live
    from api_tokens where user_id = ${userId}
    order by live desc, created_at desc, id`;
}

/** Ends the user's live token; its name, or undefined when they have no such live token. */
export async function revokeToken(sql: Sql, userId: string, id: string) {
  const [row]: [{ name: string }?] = await sql`update api_tokens set revoked_at = now()
    where id = ${id} and user_id = ${userId} and ${live(sql)}
    returning name`;
  return row?.name;
}

/**
 * The user of a live token (not revoked, not expired, its account not disabled), or undefined.
 * Marks it used, to the minute, without waiting: like a session's "last seen", the write may
 * queue behind a lock on the row, and the request need not.
 */
export async function findTokenUser(sql: Sql, token: string, log: Pick<Logger, 'error'>) {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const [row]: [TokenUser?] = await sql`
    select t.id as "tokenId", t.scope, u.id, u.username, u.role,
           t.last_used_at > now() - interval '1 minute' as used
    from api_tokens t join users u on u.id = t.user_id
    where t.token_hash = ${hashToken(token)} and ${live(sql, 't')} and u.disabled_at is null`;
  if (row && !row.used) {
    sql`update api_tokens set last_used_at = date_trunc('minute', now()) where id = ${row.tokenId}`
      .catch((err) => log.error({ err }, 'token: could not note its use'));
  }
  return row;
}

/**
 * The id and scope of `token` if it is one of the user's live tokens (the ShareX file is made only
 * for those). Unlike findTokenUser it leaves last_used_at alone: the page is not the API.
 */
export async function ownsLiveToken(sql: Sql, userId: string, token: string) {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const [row]: [{ id: string; scope: Scope }?] = await sql`
    select id, scope from api_tokens
    where token_hash = ${hashToken(token)} and user_id = ${userId} and ${live(sql)}`;
  return row;
}
