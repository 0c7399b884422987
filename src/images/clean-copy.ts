import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { purgeObjects } from '../storage/purge.ts';
import type { Sql } from '../db/client.ts';
import type { Deps } from '../web/env.ts';
import type { DecodeQueue } from './decode-queue.ts';
import type { ImageRow } from './images.sql.ts';
import { objectKeys } from './keys.ts';
import { CONTENT_TYPES, cleanFormat, makeCleanCopy } from './pipeline.ts';

/** What making a clean copy needs: the shared services and, in an app, this instance's decode slots. */
export type CleanCopyDeps = Pick<Deps, 'sql' | 'storage' | 'config' | 'log'> & { decodes?: DecodeQueue };
/** The columns of an image row the clean copy is made and found from. */
export type CleanParts = Pick<ImageRow, 'id' | 'user_id' | 'format' | 'thumb_hash' | 'thumb2x_hash' | 'display_hash' | 'clean_bytes'>;

// Copies being made by each instance (its deps), by image id: concurrent first requests to one
// instance share one; other instances' requests meet at the database.
const makingIn = new WeakMap<CleanCopyDeps, Map<string, Promise<number>>>();

/**
 * The size of the image's clean copy (the full-size, metadata-free file everyone but its owner
 * gets, under `objectKeys(image).clean`), made now from the original if it has none yet.
 *
 * Made once, then kept and charged to the owner (`stored_bytes`, hence `used_bytes`): the
 * statement that records its size is conditional on none being recorded, so of concurrent first
 * requests (in any instance) exactly one charges it. They all write the same key with the same
 * bytes (the same original through the same encoder), so the object is the same whoever writes
 * last. It is kept even when the owner is over their quota: a visitor's download is not refused
 * for the owner's account, the copy is about the original's size at most, and the owner then
 * uploads nothing more until they free space. Null when the image was deleted meanwhile (its
 * copy, if written, is removed again).
 */
export function ensureCleanCopy(deps: CleanCopyDeps, image: CleanParts): Promise<number | null> {
  if (image.clean_bytes !== null) return Promise.resolve(Number(image.clean_bytes));
  let making = makingIn.get(deps);
  if (!making) makingIn.set(deps, (making = new Map()));
  let made = making.get(image.id);
  if (!made) {
    made = makeAndRecord(deps, image).finally(() => making.delete(image.id));
    making.set(image.id, made);
  }
  return made.then((n) => (n < 0 ? null : n));
}

/** The recorded size of the image's clean copy, null when none is, -1 when the image is gone. */
async function recordedSize(sql: Sql, id: string) {
  const [row]: [{ clean_bytes: string | null }?] = await sql`select clean_bytes from images where id = ${id}`;
  return row ? (row.clean_bytes === null ? null : Number(row.clean_bytes)) : -1;
}

async function makeAndRecord(deps: CleanCopyDeps, image: CleanParts): Promise<number> {
  const { sql, storage, config } = deps;
  // Another instance may have made it since this request read the row.
  const known = await recordedSize(sql, image.id);
  if (known !== null) return known;
  const keys = objectKeys(image);
  const base = join(tmpdir(), `clean-${randomUUID()}`);
  try {
    const original = await storage.get(keys.original);
    if (!original) throw new Error(`clean copy: the original ${keys.original} is missing`);
    await pipeline(original, createWriteStream(base));
    const limits = { maxPixels: config.upload.maxPixels, memoryBytes: config.decode.memoryBytes };
    // Under this instance's decode slots, as the owner's: a busy server refuses (503) rather than queue without bound.
    const make = () => makeCleanCopy(base, `${base}.out`, limits);
    const size = await (deps.decodes ? deps.decodes.run(image.user_id, make) : make());
    await storage.putFile(keys.clean, `${base}.out`, CONTENT_TYPES[cleanFormat(image.format)]);
    const [recorded]: [{ clean_bytes: string }?] = await sql`
      update images set clean_bytes = ${size}, stored_bytes = stored_bytes + ${size}
      where id = ${image.id} and clean_bytes is null returning clean_bytes`;
    if (recorded) return size;
    const now = await recordedSize(sql, image.id);
    // Deleted while the copy was made: its purge may have run before the copy was written.
    if (now === -1) await purgeObjects(deps, [keys.clean]);
    return now ?? size;
  } finally {
    await Promise.all([rm(base, { force: true }), rm(`${base}.out`, { force: true })]);
  }
}
