import type { Deps } from '../web/env.ts';
import { Invalid } from '../web/errors.tsx';
import { isVerified } from './accounts.sql.ts';

export const VERIFY_TO_SHARE = 'Confirm your email address before sharing beyond yourself: Settings can send the link again. Private is fine meanwhile.';

/**
 * With REQUIRE_VERIFIED_EMAIL, anything others can see (public images and albums, unlisted links)
 * waits for a verified address; refuses `visibility` (as the form's `field`) when it must wait.
 */
export async function mustBeVerifiedFor(deps: Pick<Deps, 'sql' | 'config'>, userId: string, visibility: string, field = 'visibility') {
  if (visibility === 'private' || (await mayShare(deps, userId))) return;
  throw new Invalid({ [field]: VERIFY_TO_SHARE });
}

/** Whether the account may share beyond itself now (always, unless REQUIRE_VERIFIED_EMAIL). */
export async function mayShare({ sql, config }: Pick<Deps, 'sql' | 'config'>, userId: string) {
  return !config.requireVerifiedEmail || isVerified(sql, userId);
}
