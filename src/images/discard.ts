import type { Deps } from '../web/env.ts';
import { purgeObjects } from '../storage/purge.ts';
import { deleteOwnedImages } from './images.sql.ts';
import { trashOwnedImages } from './trash.sql.ts';

/**
 * Moves the user's image to the trash, or with TRASH_DAYS=0 deletes it for good (the row now,
 * its objects right after). Returns the trashed image, `purged`, or undefined when it is not theirs.
 */
export async function discardImage({ sql, storage, config, log }: Deps, userId: string, id: string) {
  if (config.trashDays > 0) {
    const [image] = await trashOwnedImages(sql, userId, [id]);
    return image ? { trashed: image } : undefined;
  }
  const { ids, keys } = await deleteOwnedImages(sql, userId, [id]);
  if (ids.length === 0) return undefined;
  await purgeObjects({ sql, storage, log }, keys, true);
  return { purged: true as const };
}
