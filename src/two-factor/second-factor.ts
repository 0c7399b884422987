import type { Context } from 'hono';
import { clearSecondFactor, countSecondFactor } from '../auth/throttle.ts';
import type { Sql } from '../db/client.ts';
import type { Deps } from '../web/env.ts';
import { clientAddress } from '../web/client-address.ts';
import { RateLimited } from '../web/errors.tsx';
import { hashRecoveryCode, matchStep } from './totp.ts';
import { takeStep, totpOf, useRecoveryCode } from './two-factor.sql.ts';

/**
 * Checks a second factor typed by the account's owner: a current TOTP code (used up once accepted)
 * or one of their recovery codes (used up too). Spaces and dashes are ignored.
 */
async function checkSecondFactor(sql: Sql, userId: string, typed: string) {
  const code = typed.replace(/[\s-]/g, '');
  if (/^\d{6}$/.test(code)) {
    const totp = await totpOf(sql, userId);
    const step = totp && matchStep(totp.key, code, totp.lastStep);
    return step !== undefined && (await takeStep(sql, userId, step));
  }
  return code.length === 10 && (await useRecoveryCode(sql, userId, hashRecoveryCode(code)));
}

/**
 * A second factor of `userId`'s, typed at login or in settings, counted like a password guess
 * (a refusal over the limit is thrown); a right one starts the count again.
 */
export async function secondFactorIsRight({ sql, config }: Pick<Deps, 'sql' | 'config'>, c: Context, userId: string, code: string) {
  const wait = await countSecondFactor(sql, userId, clientAddress(c, config.trustProxy), config.loginAttemptsPerAddress);
  if (wait) throw new RateLimited('Too many codes tried', wait);
  const ok = await checkSecondFactor(sql, userId, code);
  if (ok) await clearSecondFactor(sql, userId);
  return ok;
}

/** Whether signing in as `userId` takes a second step (two-factor login is on). */
export const needsSecondFactor = async (sql: Sql, userId: string) => !!(await totpOf(sql, userId));
