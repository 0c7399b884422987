import { rm } from 'node:fs/promises';
import { z } from 'zod';
import type { Deps } from '../web/env.ts';
import { randomId } from '../web/ids.ts';
import { formatBytes } from '../web/format.ts';
import { findDuplicates, insertWithinQuota, type NewImage } from '../images/images.sql.ts';
import { allKeys, objectKeys } from '../images/keys.ts';
import { purgeObjects } from '../janitor/purge.ts';
import { CONTENT_TYPES, ImageRejected, processImage } from '../images/pipeline.ts';
import { DecodeBusy } from '../images/decode-queue.ts';
import { receiveMultipart, type ReceivedFile, type RejectedFile } from './multipart.ts';

export type FileOutcome =
  | { filename: string; status: 'stored'; id: string }
  | { filename: string; status: 'duplicate'; id: string }
  | { filename: string; status: 'rejected'; reason: string; retryAfter?: number };

/** The upload as a whole is unusable (no files, no visibility); nothing was kept. */
export class UploadInvalid extends Error {}

type Prepared = { filename: string; row: Omit<NewImage, 'visibility'> };
type Duplicate = { filename: string; duplicateOf: string };
/** The same bytes as an earlier file of this upload: it shares that file's fate, decoded once. */
type Repeat = { filename: string; repeats: FileResult };
type Refused = RejectedFile & { retryAfter?: number };
type FileResult = Prepared | Duplicate | Repeat | Refused;

const fieldsSchema = z.object({
  visibility: z.enum(['public', 'private'], 'Choose whether the images are public or private'),
});

/**
 * Stores every acceptable image of a multipart upload for `userId` and says, per file, what
 * happened. Objects are written first under fresh keys, then the rows; objects whose row is not
 * written (invalid upload, over quota, duplicate, database error) are removed again.
 */
export async function ingestUpload(deps: Deps, userId: string, req: Request): Promise<FileOutcome[]> {
  const { sql, storage, config } = deps;
  const prepared: Prepared[] = [];
  const bySha256 = new Map<string, Promise<FileResult>>();
  let committed = new Set<string>();

  function prepare(file: ReceivedFile): Promise<FileResult> {
    const earlier = bySha256.get(file.sha256);
    if (earlier) return earlier.then((repeats) => ({ filename: file.filename, repeats }));
    const result = decodeAndStore(file);
    bySha256.set(file.sha256, result);
    return result;
  }

  async function decodeAndStore(file: ReceivedFile): Promise<FileResult> {
    const cleanPath = `${file.path}.clean`;
    let keys: string[] = [];
    try {
      const duplicateOf = (await findDuplicates(sql, userId, [file.sha256])).get(file.sha256);
      if (duplicateOf) return { filename: file.filename, duplicateOf };
      const limits = { maxPixels: config.upload.maxPixels, memoryBytes: config.decode.memoryBytes };
      const img = await deps.decodes.run(userId, () => processImage(file.path, cleanPath, limits));
      const row = {
        id: randomId(),
        user_id: userId,
        filename: file.filename,
        format: img.format,
        bytes: file.bytes,
        sha256: file.sha256,
        width: img.width,
        height: img.height,
        placeholder: img.placeholder,
        thumb_hash: img.thumb.hash,
        thumb2x_hash: img.thumb2x.hash,
        display_hash: img.display.hash,
        clean_bytes: img.cleanBytes,
        // What the quota charges: every object the image keeps.
        stored_bytes: file.bytes + img.cleanBytes + img.thumb.data.length + img.thumb2x.data.length + img.display.data.length,
      };
      const key = objectKeys(row);
      keys = allKeys(row);
      const type = CONTENT_TYPES[img.format];
      // allSettled: when one write fails, the others must have finished before we remove them.
      const writes = await Promise.allSettled([
        storage.putFile(key.original, file.path, type),
        storage.putFile(key.clean, cleanPath, type),
        storage.put(key.thumb, img.thumb.data, 'image/webp'),
        storage.put(key.thumb2x, img.thumb2x.data, 'image/webp'),
        storage.put(key.display, img.display.data, 'image/webp'),
      ]);
      const failed = writes.find((w) => w.status === 'rejected');
      if (failed) throw failed.reason;
      const p = { filename: file.filename, row };
      prepared.push(p);
      return p;
    } catch (err) {
      await purgeObjects(deps, keys);
      if (err instanceof DecodeBusy) return { filename: file.filename, reason: err.message, retryAfter: err.retryAfter };
      return { filename: file.filename, reason: reasonOf(err) };
    } finally {
      await rm(cleanPath, { force: true });
    }
  }

  try {
    const limits = { ...config.upload, fileField: 'images', temp: deps.tempSpace.forUser(userId) };
    const { fields, files } = await receiveMultipart(req.body ?? new ReadableStream(), Object.fromEntries(req.headers), limits, prepare);
    const parsed = fieldsSchema.safeParse(fields);
    if (!parsed.success) throw new UploadInvalid(parsed.error.issues[0]!.message);
    if (files.length === 0) throw new UploadInvalid('Choose at least one image to upload');
    const results = await Promise.all(files);
    // In the order the files were sent, not the order they finished: that decides who fits the
    // quota and which of two equal files is kept.
    const ready = results.filter((r): r is Prepared => 'row' in r);
    const rows = ready.map((p) => ({ ...p.row, visibility: parsed.data.visibility }));
    const { ids, left } = await insertWithinQuota(sql, userId, rows, config.upload.quotaBytes);
    committed = ids;
    return await outcomes(deps, userId, results, ids, left);
  } catch (err) {
    // Rows already written keep their objects; everything else this upload stored goes.
    await purgeObjects(deps, prepared.filter((p) => !committed.has(p.row.id)).flatMap((p) => allKeys(p.row)));
    throw err;
  }
}

/** What happened to each file; removes the objects of files whose row was not written. */
async function outcomes(deps: Deps, userId: string, results: FileResult[], ids: Set<string>, left: number) {
  const unused = results.filter((r): r is Prepared => 'row' in r && !ids.has(r.row.id));
  // Same bytes as an image the user already has (from this batch or another upload).
  const existing = await findDuplicates(deps.sql, userId, unused.map((p) => p.row.sha256));
  await purgeObjects(deps, unused.flatMap((p) => allKeys(p.row)));
  const outcomeOf = (r: FileResult): FileOutcome => {
    if ('repeats' in r) {
      const first = outcomeOf(r.repeats);
      return first.status === 'stored' ? { filename: r.filename, status: 'duplicate', id: first.id } : { ...first, filename: r.filename };
    }
    if ('reason' in r) return { filename: r.filename, status: 'rejected', reason: r.reason, retryAfter: r.retryAfter };
    if ('duplicateOf' in r) return { filename: r.filename, status: 'duplicate', id: r.duplicateOf };
    if (ids.has(r.row.id)) return { filename: r.filename, status: 'stored', id: r.row.id };
    const dup = existing.get(r.row.sha256);
    if (dup) return { filename: r.filename, status: 'duplicate', id: dup };
    return {
      filename: r.filename,
      status: 'rejected',
      reason: `Over your storage quota: ${formatBytes(Math.max(0, left))} left of ${formatBytes(deps.config.upload.quotaBytes)}`,
    };
  };
  return results.map(outcomeOf);
}

function reasonOf(err: unknown) {
  if (err instanceof ImageRejected) return err.message;
  console.error('upload: a file failed', err);
  return 'Could not be stored because of a server error; please try again';
}
