// Every Lucia call lives here, so the session layer could be swapped without touching routes.
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from 'lucia';
import type { Sql } from '../db/client.ts';

export type SessionUser = { id: string; username: string; email: string };
export type { Session } from 'lucia';

type SessionRow = { id: string; user_id: string; expires_at: Date };
type UserRow = { id: string; username: string; email: string };

declare module 'lucia' {
  interface Register {
    DatabaseUserAttributes: Omit<UserRow, 'id'>;
  }
}

function toSession(row: SessionRow): DatabaseSession {
  return { id: row.id, userId: row.user_id, expiresAt: row.expires_at, attributes: {} };
}

function createAdapter(sql: Sql): Adapter {
  return {
    async getSessionAndUser(id) {
      const [row] = await sql<(SessionRow & { username: string; email: string })[]>`
        select s.id, s.user_id, s.expires_at, u.username, u.email
        from sessions s join users u on u.id = s.user_id
        where s.id = ${id}`;
      if (!row) return [null, null];
      const user: DatabaseUser = { id: row.user_id, attributes: { username: row.username, email: row.email } };
      return [toSession(row), user];
    },
    async getUserSessions(userId) {
      const rows = await sql<SessionRow[]>`select id, user_id, expires_at from sessions where user_id = ${userId}`;
      return rows.map(toSession);
    },
    async setSession(s) {
      await sql`insert into sessions (id, user_id, expires_at) values (${s.id}, ${s.userId}, ${s.expiresAt})`;
    },
    async updateSessionExpiration(id, expiresAt) {
      await sql`update sessions set expires_at = ${expiresAt} where id = ${id}`;
    },
    async deleteSession(id) {
      await sql`delete from sessions where id = ${id}`;
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

/** Server-side sessions in PostgreSQL; the cookie is Secure (and `__Host-` prefixed) behind https. */
export function createSessions(sql: Sql, opts: { secure: boolean }) {
  const lucia = new Lucia(createAdapter(sql), {
    sessionExpiresIn: new TimeSpan(30, 'd'),
    sessionCookie: {
      name: opts.secure ? '__Host-session' : 'session',
      attributes: { secure: opts.secure, sameSite: 'lax', path: '/' },
    },
    getUserAttributes: (a) => ({ username: a.username, email: a.email }),
  });
  return {
    cookieName: lucia.sessionCookieName,
    /** A brand-new session; any session id the client sent before is never reused. */
    async createSession(userId: string) {
      const session = await lucia.createSession(userId, {});
      return lucia.createSessionCookie(session.id);
    },
    /** The user and session of a cookie value; a refreshed cookie when the expiry was extended. */
    async validateSession(id: string) {
      const { session, user } = await lucia.validateSession(id);
      if (!session) return { user: null, session: null, cookie: lucia.createBlankSessionCookie() };
      return { user: user as SessionUser, session, cookie: session.fresh ? lucia.createSessionCookie(session.id) : null };
    },
    async invalidateSession(id: string) {
      await lucia.invalidateSession(id);
      return lucia.createBlankSessionCookie();
    },
    invalidateUserSessions: (userId: string) => lucia.invalidateUserSessions(userId),
  };
}
