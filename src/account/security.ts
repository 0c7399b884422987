import type { Sql } from '../db/client.ts';
import { passkeysOf, type PasskeyRow } from '../passkeys/passkeys.sql.ts';
import { accountById } from '../recovery/accounts.sql.ts';
import { recoveryCodesLeft, totpOf } from '../two-factor/two-factor.sql.ts';

/** What protects an account, as settings list it. */
export type Security = { verified: boolean; pendingEmail: string | null; totp: boolean; codesLeft: number; passkeys: PasskeyRow[] };

export async function securityOf(sql: Sql, userId: string): Promise<Security> {
  const [account, totp, codesLeft, passkeys] = await Promise.all([
    accountById(sql, userId), totpOf(sql, userId), recoveryCodesLeft(sql, userId), passkeysOf(sql, userId),
  ]);
  return { verified: !!account?.verified, pendingEmail: account?.pending_email ?? null, totp: !!totp, codesLeft, passkeys };
}
