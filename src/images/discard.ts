import type { Deps } from '../web/env.ts';
import { purgeObjects } from '../storage/purge.ts';
import { deleteOwnedImages, type ImageRow } from './images.sql.ts';
import { countTrash, trashOwnedImages } from './trash.sql.ts';

export type Discarded = { trashed: Pick<ImageRow, 'id' | 'filename' | 'title'> } | { purged: true } | { already: true };

/**
 * Moves the user's image to the trash, or with TRASH_DAYS=0 deletes it for good (the row now,
 * its objects right after). Returns the trashed image, `purged`, `already` when it was in their
 * trash before (deleted meanwhile in another tab or client: what was asked is done), or undefined
 * when it is not theirs.
 */
export async function discardImage({ sql, storage, config, log }: Deps, userId: string, id: string): Promise<Discarded | undefined> {
  const already = async () => ((await countTrash(sql, userId, [id])) ? { already: true as const } : undefined);
  if (config.trashDays > 0) {
    const [image] = await trashOwnedImages(sql, userId, [id]);
    if (image) return { trashed: image };
    return already();
  }
  const { ids, keys } = await deleteOwnedImages(sql, userId, [id]);
  if (ids.length === 0) return already();
  await purgeObjects({ sql, storage, log }, keys, true);
  return { purged: true as const };
}
