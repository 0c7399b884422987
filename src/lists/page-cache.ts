import type { Sql } from '../db/client.ts';
import { freshRead } from '../db/fresh-read.ts';

/**
 * Rendered public pages (the same HTML for every visitor), each kept with the `public_version`
 * it was rendered at (sql/0006). An entry is served only while the database still reads that
 * version, so a change committed through any instance is seen by the next request everywhere.
 * Requests that miss together share one rendering. Least recently used entries go first once
 * `maxLength` characters (`sizeOf` of each entry: about as many bytes) are kept.
 */
export function createPageCache<T = string>(sql: Sql, maxLength = 16 * 1024 * 1024, sizeOf = (entry: T) => (entry as string).length) {
  const version = freshRead(async () => (await sql<{ n: string }[]>`select n from public_version`)[0]!.n);
  const entries = new Map<string, { version: string; html: T }>();
  // Renderings under way, by version and key. Joining one is safe: had anything public changed
  // since it began, the version read by the joining request would differ.
  const rendering = new Map<string, Promise<T>>();
  let length = 0;

  function remember(key: string, entry: { version: string; html: T }) {
    forget(key);
    entries.set(key, entry);
    length += sizeOf(entry.html);
    for (const [oldest] of entries) {
      if (length <= maxLength) break;
      forget(oldest);
    }
  }

  function forget(key: string) {
    const old = entries.get(key);
    if (!old) return;
    length -= sizeOf(old.html);
    entries.delete(key);
  }

  return {
    /** The HTML cached under `key` if still current, else `render()`'s (then cached). */
    async get(key: string, render: () => Promise<T>) {
      // Read the version first: a page rendered after it is at least that new.
      const current = await version();
      const hit = entries.get(key);
      if (hit?.version === current) {
        entries.delete(key);
        entries.set(key, hit); // most recently used last
        return hit.html;
      }
      const id = `${current} ${key}`;
      let html = rendering.get(id);
      if (!html) {
        html = render()
          .then((h) => { remember(key, { version: current, html: h }); return h; })
          .finally(() => rendering.delete(id));
        rendering.set(id, html);
      }
      return html;
    },
  };
}
