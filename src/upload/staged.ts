import { purgeObjects } from '../storage/purge.ts';
import type { Deps } from '../web/env.ts';

/**
 * Objects an upload wrote before their rows exist. Each image's keys are added before they are
 * written, its id is committed once its row is, and `discard` (called once, in a `finally`)
 * removes everything not committed: refused files, duplicates, over-quota files, failed writes.
 */
export function stageObjects(deps: Pick<Deps, 'sql' | 'storage' | 'log'>) {
  const staged = new Map<string, string[]>();
  return {
    add(imageId: string, keys: string[]) {
      staged.set(imageId, keys);
    },
    commit(imageIds: Iterable<string>) {
      for (const id of imageIds) staged.delete(id);
    },
    async discard() {
      const keys = [...staged.values()].flat();
      staged.clear();
      await purgeObjects(deps, keys);
    },
  };
}
