import type { Deps } from '../web/env.ts';
import { purgeObjects } from '../storage/purge.ts';
import { audit, type Actor } from '../instance/audit.sql.ts';
import { bumpPublicVersion } from '../instance/settings.sql.ts';
import {
  deleteAlbumRow, hideItem, ownerOf, purgeImage, resolveReports, trashImage, unhideItem, type Item,
} from './reports.sql.ts';

export type Action = 'hide' | 'unhide' | 'delete' | 'purge' | 'dismiss';

/** What the owner reads on an image a moderator moved to their trash, should they restore it. */
const DELETED_REASON = 'Deleted by a moderator';

/** What an admin's action did, for the message after it; undefined: nothing to act on. */
export type Outcome = { owner: string; reports: number };

/**
 * Carries out an admin's decision about an item in one transaction with its audit entry and a
 * new public_version (no trigger sees every page it changes: a private image can be the cover
 * of a public album). A purge deletes the objects after commit; the janitor retries what fails.
 */
export async function moderate(deps: Pick<Deps, 'sql' | 'storage' | 'log'>, actor: Actor, item: Item, action: Action, reason = '') {
  let keys: string[] = [];
  const outcome = await deps.sql.begin(async (tx): Promise<Outcome | undefined> => {
    const owner = await ownerOf(tx, item);
    if (!owner) return undefined;
    let reports = 0;
    if (action === 'hide') {
      await hideItem(tx, item, reason);
      reports = await resolveReports(tx, item, 'hidden');
    } else if (action === 'unhide') {
      if (!(await unhideItem(tx, item))) return undefined;
    } else if (action === 'dismiss') {
      reports = await resolveReports(tx, item, 'dismissed');
    } else {
      reports = await resolveReports(tx, item, 'deleted');
      if (item.kind === 'album') await deleteAlbumRow(tx, item.id);
      else if (action === 'purge') keys = await purgeImage(tx, item.id);
      else await trashImage(tx, item.id, DELETED_REASON);
    }
    const verb = item.kind === 'album' && action === 'purge' ? 'delete' : action;
    await audit(tx, actor, `${item.kind}.${verb}`, `${item.kind} ${item.id} of ${owner}`, reason);
    await bumpPublicVersion(tx);
    return { owner, reports };
  });
  await purgeObjects(deps, keys, true);
  return outcome;
}
