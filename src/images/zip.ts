import { once } from 'node:events';
import { PassThrough, pipeline, Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import type { Logger } from 'pino';
import type { Storage } from '../storage/storage.ts';
import { TooLarge } from '../web/errors.tsx';
import { formatBytes } from '../web/format.tsx';
import type { ImageRow } from './images.sql.ts';
import { objectKeys } from './keys.ts';
import { servedFormat } from './pipeline.ts';
import { attachment, downloadName } from './serve.ts';
import { ensureCleanCopy, type CleanCopyDeps } from './clean-copy.ts';

/** The columns a zip needs of each image. */
export type Zipped = Pick<ImageRow, 'id' | 'user_id' | 'filename' | 'format' | 'bytes' | 'clean_bytes' | 'created_at' | 'thumb_hash' | 'thumb2x_hash' | 'display_hash'>;
/** `clean`: the image whose clean copy this is, to be made first if it has none yet. */
type Entry = { key: string; name: string; date: Date; bytes: number; clean?: Zipped };

/**
 * What goes into a zip for `viewerId`: the exact original of each image they own, the
 * metadata-free copy of the others, each under its download name made unique within the zip
 * (`photo.jpg`, `photo (2).jpg`; compared without case, as Windows and macOS compare them).
 */
export function zipEntries(images: Zipped[], viewerId: string | undefined): Entry[] {
  const taken = new Set<string>();
  return images.map((i) => {
    const own = i.user_id === viewerId;
    const name = downloadName(i.filename.replace(/[/\\]/g, '_'), servedFormat(i.format, own));
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let unique = name;
    for (let n = 2; taken.has(unique.toLowerCase()); n++) unique = `${stem} (${n})${ext}`;
    taken.add(unique.toLowerCase());
    const keys = objectKeys(i);
    // A clean copy not made yet is counted at its original's size: it is made at most as good as that.
    if (own) return { key: keys.original, name: unique, date: i.created_at, bytes: Number(i.bytes) };
    return { key: keys.clean, name: unique, date: i.created_at, bytes: Number(i.clean_bytes ?? i.bytes), clean: i };
  });
}

/**
 * A zip of `entries`, streamed: each object is opened only when the one before it has been
 * written, and the archive is read only as fast as the client takes it, so memory does not grow
 * with the number or size of the images. Stored, not deflated: images are compressed already.
 * Refused (413) past `maxBytes` in all, before anything is sent.
 */
export function zipResponse(storage: Storage, entries: Entry[], o: { filename: string; maxBytes: number; log: Pick<Logger, 'error'>; cleanCopies?: CleanCopyDeps }) {
  const total = entries.reduce((sum, e) => sum + e.bytes, 0);
  if (total > o.maxBytes) {
    throw new TooLarge(`These images come to ${formatBytes(total)}, more than the ${formatBytes(o.maxBytes)} a zip may hold here. Download fewer at once: select them on your dashboard.`);
  }
  const archive = new ZipArchive({ store: true });
  // The response reads through a core PassThrough: a client that goes away destroys it, and
  // `pipeline` then stops the archive and the object being copied, so nothing stays open.
  const out = new PassThrough();
  const gone = new AbortController();
  let current: Readable | null = null;
  pipeline(archive, out, (err) => {
    if (!err) return;
    gone.abort();
    current?.destroy();
  });
  (async () => {
    for (const e of entries) {
      if (gone.signal.aborted) return;
      // One at a time, as the zip reaches them: a clean copy not made yet is made (and kept) now.
      // If it cannot be made (a busy server), it is left out as a missing object would be.
      if (e.clean && o.cleanCopies) await ensureCleanCopy(o.cleanCopies, e.clean).catch((err) => o.log.error({ err, key: e.key }, 'zip: no clean copy'));
      current = await storage.get(e.key);
      // A missing object is the storage's inconsistency, not this download's: the rest still come.
      if (!current) {
        o.log.error({ key: e.key }, 'zip: an object is missing');
        continue;
      }
      archive.append(current, { name: e.name, date: e.date });
      await once(archive, 'entry', { signal: gone.signal });
      current = null;
    }
    await archive.finalize();
  })().catch((err) => {
    if (gone.signal.aborted) return;
    o.log.error({ err }, 'zip: failed');
    archive.destroy(err);
  });
  return new Response(Readable.toWeb(out) as ReadableStream, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': attachment(o.filename),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
