// Every Lucia call lives here, so the session layer could be swapped without touching routes.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from 'lucia';
import type { Sql } from '../db/client.ts';
import { storageFrom, type StorageRow } from './users.sql.ts';

import type { Viewer } from '../web/env.ts';

/** The user a session belongs to: what pages show of them. */
export type SessionUser = Viewer;
export type { Session } from 'lucia';

type SessionRow = { id: string; user_id: string; expires_at: Date; created_at: Date; user_agent: string };
/** What the session's query reads of its user. */
type ViewerRow = Pick<SessionUser, 'username' | 'email' | 'role'> & StorageRow & { seen: boolean };

declare module 'lucia' {
  interface Register {
    DatabaseUserAttributes: Omit<SessionUser, 'id'>;
    DatabaseSessionAttributes: { user_agent: string };
  }
}

/** Only this hash of the cookie's token is stored, so the table alone cannot sign anyone in. */
export function hashToken(token: string) {
  return createHash('sha256').update(token).digest('hex');
}

function createAdapter(sql: Sql, log: Pick<Logger, 'error'>, quotaBytes: number): Adapter {
  const toSession = (r: SessionRow, id = r.id): DatabaseSession =>
    ({ id, userId: r.user_id, expiresAt: r.expires_at, attributes: { user_agent: r.user_agent } });
  return {
    async getSessionAndUser(token) {
      // A disabled account's sessions are deleted with the change; the join refuses any that a
      // sign-in racing it could have left. The user's storage comes along (kept by a trigger:
      // sql/0007, sql/0009), so no page that shows it asks again.
      const [row] = await sql<(SessionRow & ViewerRow)[]>`
        select s.id, s.user_id, s.expires_at, s.created_at, s.user_agent, u.username, u.email, u.role,
               u.used_bytes::text as used, u.quota_bytes::text as quota,
               u.last_seen_at > now() - interval '5 minutes' as seen
        from sessions s join users u on u.id = s.user_id
        where s.id = ${hashToken(token)} and u.disabled_at is null`;
      if (!row) return [null, null];
      // "Last seen" for the admin's list, written at most every five minutes per account, and not
      // waited for: it may queue behind an upload's lock on the row, the request need not.
      if (!row.seen) {
        sql`update users set last_seen_at = now()
            where id = ${row.user_id} and (last_seen_at is null or last_seen_at < now() - interval '5 minutes')`
          .catch((err) => log.error({ err }, 'session: could not note when the user was last seen'));
      }
      const storage = storageFrom(row, quotaBytes);
      const user: DatabaseUser = { id: row.user_id, attributes: { username: row.username, email: row.email, role: row.role, storage } };
      return [toSession(row, token), user];
    },
    async getUserSessions(userId) {
      const rows = await sql<SessionRow[]>`
        select id, user_id, expires_at, created_at, user_agent from sessions where user_id = ${userId}`;
      return rows.map((r) => toSession(r));
    },
    async setSession(s) {
      await sql`insert into sessions (id, user_id, expires_at, user_agent)
                values (${hashToken(s.id)}, ${s.userId}, ${s.expiresAt}, ${s.attributes.user_agent})`;
    },
    async updateSessionExpiration(token, expiresAt) {
      await sql`update sessions set expires_at = ${expiresAt} where id = ${hashToken(token)}`;
    },
    async deleteSession(token) {
      await sql`delete from sessions where id = ${hashToken(token)}`;
    },
    async deleteUserSessions(userId) {
      await sql`delete from sessions where user_id = ${userId}`;
    },
    async deleteExpiredSessions() {
      await sql`delete from sessions where expires_at <= now()`;
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

/**
 * Server-side sessions in PostgreSQL; the cookie is Secure (and `__Host-` prefixed) behind https.
 * `quotaBytes`: the instance's quota, for users without one of their own.
 */
export function createSessions(sql: Sql, opts: { secure: boolean; log: Pick<Logger, 'error'>; quotaBytes: number }) {
  const lucia = new Lucia(createAdapter(sql, opts.log, opts.quotaBytes), {
    sessionExpiresIn: new TimeSpan(30, 'd'),
    sessionCookie: {
      name: opts.secure ? '__Host-session' : 'session',
      attributes: { secure: opts.secure, sameSite: 'lax', path: '/' },
    },
    getUserAttributes: (a) => ({ username: a.username, email: a.email, role: a.role, storage: a.storage }),
  });
  return {
    cookieName: lucia.sessionCookieName,
    /** A brand-new session (a 200-bit random token); any token the client sent before is never reused. */
    async createSession(userId: string, userAgent = '') {
      const session = await lucia.createSession(userId, { user_agent: userAgent.slice(0, 200) });
      return lucia.createSessionCookie(session.id);
    },
    /** The user and session of a cookie value; a refreshed cookie when the expiry was extended. */
    async validateSession(token: string) {
      const { session, user } = await lucia.validateSession(token);
      if (!session) return { user: null, session: null, cookie: lucia.createBlankSessionCookie() };
      return { user: user as SessionUser, session, cookie: session.fresh ? lucia.createSessionCookie(session.id) : null };
    },
    async invalidateSession(token: string) {
      await lucia.invalidateSession(token);
      return lucia.createBlankSessionCookie();
    },
    invalidateUserSessions: (userId: string) => lucia.invalidateUserSessions(userId),
    /** The user's live sessions, newest first; `current` marks the one of `token`. */
    async listSessions(userId: string, token: string) {
      const rows = await sql<SessionRow[]>`
        select id, created_at, user_agent from sessions
        where user_id = ${userId} and expires_at > now() order by created_at desc`;
      const current = hashToken(token);
      return rows.map((r) => ({ current: r.id === current, createdAt: r.created_at, userAgent: r.user_agent }));
    },
    /** Ends every session of the user except the one of `token`. */
    async invalidateOtherSessions(userId: string, token: string) {
      await sql`delete from sessions where user_id = ${userId} and id <> ${hashToken(token)}`;
    },
  };
}
