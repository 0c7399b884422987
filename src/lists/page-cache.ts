import { LRUCache } from 'lru-cache';
import type { ChangeLog, PublicState, Span } from './public-changes.ts';

/** What a rendering tells the cache: the stretch of its list the page shows (public-changes.ts). */
export type Cover = (span: Span) => void;

/**
 * Rendered public pages (the same HTML for every visitor), each kept with the `public_version`
 * it was rendered at (sql/0006) and, for a page of a keyset list, the stretch of the list it
 * shows. Every request reads the version (`changes.read`: one query, shared by the requests
 * waiting on it), with the images each version since the last read changed (sql/0018): an entry
 * is served while no change fell in its stretch, so a change committed through any instance is
 * seen by the next request everywhere, and a new upload at the top of the gallery leaves its
 * deeper pages cached.
 * A page whose rendering does not `cover` a span renders again on any change. Requests that miss
 * together share one rendering. Least recently used entries go first once `maxLength` characters
 * (`sizeOf` of each entry: about as many bytes) are kept.
 */
export function createPageCache<T = string>(
  changes: ChangeLog,
  maxLength = 16 * 1024 * 1024,
  sizeOf = (entry: T) => (entry as string).length,
  /** Told how each request was served (for the metrics): cached, joined a rendering under way, or rendered. */
  observe?: (result: 'hit' | 'joined' | 'render') => void,
) {
  type Entry = { version: number; html: T; bounds: ReturnType<typeof changes.bounds> };
  const entries = new LRUCache<string, Entry>({ maxSize: maxLength, sizeCalculation: (entry) => Math.max(1, sizeOf(entry.html)) });
  // Renderings under way, by version and key. Joining one is safe: had anything public changed
  // since it began, the version read by the joining request would differ.
  const rendering = new Map<string, Promise<T>>();

  return {
    /**
     * The HTML cached under `key` if still current, else `render()`'s (then cached). `read`: the
     * request's own read of the public state, if it made one already (else one is made here).
     */
    async get(key: string, render: (cover: Cover) => Promise<T>, read: Promise<PublicState> = changes.read()) {
      // Read the version first: a page rendered after it is at least that new.
      const current = (await read).version;
      const hit = entries.get(key);
      if (hit && changes.unchanged(hit.version, current, hit.bounds)) {
        hit.version = Math.max(hit.version, current); // checked up to here: the next check starts from it
        observe?.('hit');
        return hit.html;
      }
      const id = `${current} ${key}`;
      let html = rendering.get(id);
      observe?.(html ? 'joined' : 'render');
      if (!html) {
        let span: Span | undefined;
        html = render((s) => { span = s; })
          .then((h) => { entries.set(key, { version: current, html: h, bounds: changes.bounds(span) }); return h; })
          .finally(() => rendering.delete(id));
        rendering.set(id, html);
      }
      return html;
    },
  };
}
