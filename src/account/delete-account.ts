import type { Queryable } from '../db/client.ts';
import { deleteUser } from '../auth/users.sql.ts';
import { keysOfUserImages } from '../images/images.sql.ts';
import { queueDeletions } from '../storage/deletions.sql.ts';
import { purgeObjects } from '../storage/purge.ts';
import type { Deps } from '../web/env.ts';

/**
 * Deletes the user with their sessions and image rows (cascade; the trash's too), queueing every
 * object of theirs for deletion in the same transaction, then deletes those objects. `first`
 * runs in that transaction before anything is deleted (an admin's checks and audit; throw to refuse).
 */
export async function deleteAccount(deps: Pick<Deps, 'sql' | 'storage' | 'log'>, userId: string, first?: (tx: Queryable) => Promise<void>) {
  const keys = await deps.sql.begin(async (tx) => {
    await first?.(tx);
    const keys = await keysOfUserImages(tx, userId);
    await queueDeletions(tx, keys);
    await deleteUser(tx, userId);
    return keys;
  });
  await purgeObjects(deps, keys, true);
}
