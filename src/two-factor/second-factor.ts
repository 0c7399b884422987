import type { Sql } from '../db/client.ts';
import { hashRecoveryCode, matchStep } from './totp.ts';
import { takeStep, totpOf, useRecoveryCode } from './two-factor.sql.ts';

/**
 * Checks a second factor typed by the account's owner: a current TOTP code (used up once accepted)
 * or one of their recovery codes (used up too). Spaces and dashes are ignored.
 */
export async function checkSecondFactor(sql: Sql, userId: string, typed: string) {
  const code = typed.replace(/[\s-]/g, '');
  if (/^\d{6}$/.test(code)) {
    const totp = await totpOf(sql, userId);
    const step = totp && matchStep(totp.key, code, totp.lastStep);
    return step !== undefined && (await takeStep(sql, userId, step));
  }
  return code.length === 10 && (await useRecoveryCode(sql, userId, hashRecoveryCode(code)));
}
