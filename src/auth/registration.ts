import type { Config } from '../config.ts';
import type { Sql } from '../db/client.ts';
import { readSettings, type InstanceSettings } from '../instance/settings.sql.ts';
import { findUsableInvite, useInvite } from './invites.sql.ts';
import { insertUser, type UserRow } from './users.sql.ts';

export const SIGNUP_CLOSED = 'Sign-up is closed on this instance.';
export const INVITE_ONLY = 'Sign-up here is by invitation: ask the admin of this instance for an invite link.';
export const INVITE_DEAD = 'This invite link no longer works: it was used up, it expired or it was revoked, or it is for another email address.';

/** Why nobody may sign up with `invite` now (an early answer, before a password is hashed), or undefined. */
export async function signupRefusal(sql: Sql, invite?: string, email?: string) {
  const { registration } = await readSettings(sql);
  if (registration === 'closed') return SIGNUP_CLOSED;
  if (registration === 'open') return undefined;
  if (!invite) return INVITE_ONLY;
  return (await findUsableInvite(sql, invite, email)) ? undefined : INVITE_DEAD;
}

/**
 * Creates the account if the instance lets it in now: inside a transaction that locks the
 * settings row, so it takes its turn with a change of who may sign up, and with other sign-ups
 * (the first account becomes the admin, exactly once). An invite spends a use here.
 */
export async function createAccount(sql: Sql, config: Config, user: UserRow, invite?: string) {
  return sql.begin(async (tx): Promise<{ refused?: string }> => {
    const settings: InstanceSettings = await readSettings(tx, true);
    if (settings.registration === 'closed') return { refused: SIGNUP_CLOSED };
    if (settings.registration === 'invite' && !(invite && (await useInvite(tx, invite, user.email)))) {
      return { refused: invite ? INVITE_DEAD : INVITE_ONLY };
    }
    const [{ first }] = await tx<[{ first: boolean }]>`select not exists (select 1 from users) as first`;
    const admin = first || config.adminUsernames.includes(user.username.toLowerCase());
    await insertUser(tx, { ...user, role: admin ? 'admin' : 'user', quota_bytes: settings.default_quota_bytes });
    return {};
  });
}
