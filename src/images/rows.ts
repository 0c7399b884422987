import { LRUCache } from 'lru-cache';
import type { Sql } from '../db/client.ts';
import { readListed, type ListedImage, type ListedKey } from './list.sql.ts';

type Kept = ListedImage & { rev: string };

/**
 * The rows behind a page's tiles. A list's query reads only its images' keys (listKeys), and the
 * rest of each row is kept here between requests: a row serves while its revision (`xmin`, which
 * every update of the row changes) is what the query found, and the rows missing or changed are
 * read by id in one more query. Its owner's name is read with it: an image never changes owner,
 * nor a user their name (sql/0019). So a page seen before costs one narrow query of 4 columns of
 * 49 rows, with no owners to look up (bench/HISTORY.md, "Rows kept by revision"). Per app, and
 * only a cache: every request asks the database which revision is current.
 */
export function createRowCache(sql: Sql, max = 10_000) {
  const kept = new LRUCache<string, Kept>({ max });
  const current = (key: ListedKey, row?: Kept) => row?.rev === key.rev;
  /**
   * The rows of `keys`, in their order, each as the list's query saw it: an image changed or gone
   * since then is left out (it may have left the list: made private, hidden, deleted). Kept rows
   * are frozen: every request that lists the image shares one, and the grid keeps its tiles on it
   * (images/grid.tsx).
   */
  return async function rowsOf(keys: ListedKey[]): Promise<ListedImage[]> {
    const rows = keys.map((key) => { const row = kept.get(key.id); return current(key, row) ? row : undefined; });
    const stale = keys.filter((_, n) => !rows[n]).map((key) => key.id);
    if (stale.length > 0) {
      const read = new Map((await readListed(sql, stale)).map((row) => [row.id, row]));
      keys.forEach((key, n) => {
        const row = read.get(key.id);
        if (row) kept.set(key.id, Object.freeze(row));
        if (current(key, row)) rows[n] = row;
      });
    }
    return rows.filter((row) => row !== undefined);
  };
}

export type RowCache = ReturnType<typeof createRowCache>;
