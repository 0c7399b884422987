import type { Queryable } from '../db/client.ts';

export async function totpOf(sql: Queryable, userId: string) {
  const [row]: [{ key: Uint8Array | null; last_step: string }?] = await sql`
    select totp_key as key, totp_last_step::text as last_step from users where id = ${userId}`;
  return row?.key ? { key: new Uint8Array(row.key), lastStep: BigInt(row.last_step) } : undefined;
}

/**
 * Records `step` as used, if no request recorded it (or a later one) first: of two requests with
 * the same code, one wins.
 */
export async function takeStep(sql: Queryable, userId: string, step: bigint) {
  const rows = await sql`update users set totp_last_step = ${step.toString()}
                         where id = ${userId} and totp_key is not null and totp_last_step < ${step.toString()} returning id`;
  return rows.length === 1;
}

/**
 * Turns TOTP on with `key`, `step` already used (the code that proved the app has it), and fresh
 * recovery codes; false when it was on already (a form sent twice keeps the first codes).
 */
export async function enableTotp(sql: Queryable, userId: string, key: Uint8Array, step: bigint, codeHashes: string[]) {
  const rows = await sql`update users set totp_key = ${Buffer.from(key)}, totp_last_step = ${step.toString()}
                         where id = ${userId} and totp_key is null returning id`;
  if (rows.length === 0) return false;
  await replaceRecoveryCodes(sql, userId, codeHashes);
  return true;
}

export async function disableTotp(sql: Queryable, userId: string) {
  await sql`update users set totp_key = null, totp_last_step = 0 where id = ${userId}`;
  await sql`delete from recovery_codes where user_id = ${userId}`;
}

export async function replaceRecoveryCodes(sql: Queryable, userId: string, codeHashes: string[]) {
  await sql`delete from recovery_codes where user_id = ${userId}`;
  await sql`insert into recovery_codes ${sql(codeHashes.map((hash) => ({ user_id: userId, hash })))}`;
}

/** Uses up a recovery code; true for the one request that used it. */
export async function useRecoveryCode(sql: Queryable, userId: string, hash: string) {
  return (await sql`delete from recovery_codes where user_id = ${userId} and hash = ${hash} returning hash`).length === 1;
}

export async function recoveryCodesLeft(sql: Queryable, userId: string) {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from recovery_codes where user_id = ${userId}`;
  return row!.n;
}
