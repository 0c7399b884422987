import type { Context } from 'hono';
import { signedIn } from '../auth/middleware.ts';
import type { Deps } from '../web/env.ts';
import { originOf } from '../web/origin.ts';

/**
 * Tells the signed-in user's address that `what` happened to the account ("Two-factor login was
 * turned off"): if it was not them, the mail says how to take the account back.
 */
export async function notifyOwner({ mail, config }: Pick<Deps, 'mail' | 'config'>, c: Context, what: string) {
  const { user } = signedIn(c);
  await mail.send('security-notice', user.email, { username: user.username, what }, originOf(c, config.publicUrl));
}
