import type { Context } from 'hono';
import type { Deps } from '../web/env.ts';
import { clientAddress } from '../web/client-address.ts';
import { RateLimited } from '../web/errors.tsx';
import { signedIn } from './middleware.ts';
import { checkPassword } from './throttle.ts';
import { passwordHashOf } from './users.sql.ts';

/**
 * Whether `password` is the signed-in user's, checked and counted exactly like a login (same
 * limits); a refusal over the limit is thrown. Settings ask for it before anything that could
 * lock the owner out.
 */
export async function checkCurrentPassword({ sql, config }: Pick<Deps, 'sql' | 'config'>, c: Context, password: string) {
  const { user } = signedIn(c);
  const hash = await passwordHashOf(sql, user.id);
  const account = hash === undefined ? undefined : { id: user.id, password_hash: hash };
  const check = await checkPassword(sql, account, { login: user.username, password, ip: clientAddress(c, config.trustProxy) }, config.loginAttemptsPerAddress);
  if (check.retryAfter) throw new RateLimited('Too many password attempts', check.retryAfter);
  return check.ok;
}
