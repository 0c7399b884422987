import type { Context, MiddlewareHandler } from 'hono';
import type { Sql } from '../db/client.ts';
import { hit } from '../auth/throttle.sql.ts';
import { clientAddress } from '../web/client-address.ts';
import { problem } from './problem.ts';
import { findTokenUser, type Scope, type TokenUser } from './tokens.sql.ts';
import type { OpsEnv } from '../ops/requests.ts';

export type ApiEnv = { Variables: OpsEnv['Variables'] & { caller: TokenUser | null } };

const CHALLENGE = 'Bearer realm="api"';
const MINUTE_MS = 60_000;

/**
 * Reads `Authorization: Bearer <token>` (and nothing else: cookies never authenticate under
 * /api/, so no page's session can be driven cross-site through it) and counts the request
 * against the token, or the client's address when there is none, in PostgreSQL, so that every
 * instance shares the count. A token that does not authenticate is a 401 even where none is
 * needed: a client should hear that its token stopped working.
 */
export function bearer(sql: Sql, o: { perMinute: number; trustProxy: boolean }): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization');
    const token = header?.match(/^Bearer +(\S+)\s*$/i)?.[1];
    const caller = token ? await findTokenUser(sql, token, c.get('log')) : null;
    // Counted before a token is refused: a request with a wrong token counts against the address,
    // as one without does, else guessing (a lookup each) would be the one thing without a limit.
    const key = caller ? `api:token:${caller.tokenId}` : `api:address:${clientAddress(c, o.trustProxy)}`;
    const { hits, retry_after } = await hit(sql, key, MINUTE_MS);
    if (hits > o.perMinute) {
      const detail = `More than ${o.perMinute} requests in a minute; try again in ${retry_after} s.`;
      return problem(c, 429, detail, { headers: { 'Retry-After': String(retry_after) } });
    }
    if (header !== undefined && !token) return unauthorized(c, 'The Authorization header must be "Bearer <token>".');
    if (token && !caller) return unauthorized(c, 'The token is not valid: it may be mistyped, expired or revoked.');
    c.set('caller', caller ?? null);
    return next();
  };
}

function unauthorized(c: Context, detail: string) {
  return problem(c, 401, detail, { headers: { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` } });
}

/** Lets through a caller whose token has `scope` (`write` includes `read`): 401 without a token, 403 with too little. */
export function requireScope(scope: Scope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    if (!caller) return problem(c, 401, 'This needs a token: send "Authorization: Bearer <token>" (make one at /settings/tokens).', { headers: { 'WWW-Authenticate': CHALLENGE } });
    if (scope === 'write' && caller.scope !== 'write') return problem(c, 403, 'This token may only read; make a token with the write scope to change anything.');
    return next();
  };
}

/** The caller `requireScope` let through. */
export function callerOf(c: Context<ApiEnv>) {
  const caller = c.get('caller');
  if (!caller) throw new Error('callerOf: a route forgot requireScope');
  return caller;
}
