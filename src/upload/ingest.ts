import { createReadStream } from 'node:fs';
import { z } from 'zod';
import type { Deps } from '../web/env.ts';
import { randomId } from '../web/ids.ts';
import { receiveMultipart, type ReceivedFile, type RejectedFile } from './multipart.ts';
import { insertImages, type ImageRow } from '../images/images.sql.ts';
import { CONTENT_TYPES, ImageRejected, processImage } from '../images/pipeline.ts';
import { deleteObjects } from '../images/objects.ts';

export type FileOutcome =
  | { filename: string; status: 'stored'; image: ImageRow }
  | { filename: string; status: 'rejected'; reason: string };

/** The upload as a whole is unusable (no files, no visibility); nothing was kept. */
export class UploadInvalid extends Error {}

type Prepared = { filename: string; row: Omit<ImageRow, 'created_at' | 'visibility'> };

const fieldsSchema = z.object({
  visibility: z.enum(['public', 'private'], 'Choose whether the images are public or private'),
});

/**
 * Stores every acceptable image of a multipart upload for `userId` and says, per file, what
 * happened. Objects are written first under fresh keys, then the rows; if the rows cannot be
 * written, the objects are removed again.
 */
export async function ingestUpload(deps: Deps, userId: string, req: Request): Promise<FileOutcome[]> {
  const { storage, config } = deps;
  const prepared: Prepared[] = [];

  async function prepare(file: ReceivedFile): Promise<Prepared | RejectedFile> {
    let row: Prepared['row'] | undefined;
    try {
      const img = await processImage(file.path, { maxPixels: config.upload.maxPixels });
      const id = randomId();
      row = {
        id,
        user_id: userId,
        filename: file.filename,
        format: img.format,
        width: img.width,
        height: img.height,
        bytes: file.bytes,
        sha256: file.sha256,
        original_key: `images/${id}/original`,
        thumb_key: `images/${id}/thumb-${img.thumb.hash}.webp`,
        thumb_hash: img.thumb.hash,
        display_key: `images/${id}/display-${img.display.hash}.webp`,
        display_hash: img.display.hash,
      };
      await Promise.all([
        storage.put(row.original_key, createReadStream(file.path), CONTENT_TYPES[img.format]),
        storage.put(row.thumb_key, img.thumb.data, 'image/webp'),
        storage.put(row.display_key, img.display.data, 'image/webp'),
      ]);
      const p = { filename: file.filename, row };
      prepared.push(p);
      return p;
    } catch (err) {
      if (row) await deleteObjects(storage, [row]);
      return { filename: file.filename, reason: reasonOf(err) };
    }
  }

  const discard = () => deleteObjects(storage, prepared.map((p) => p.row));
  try {
    const headers = Object.fromEntries(req.headers);
    const limits = { ...config.upload, fileField: 'images' };
    const { fields, files } = await receiveMultipart(req.body ?? new ReadableStream(), headers, limits, prepare);
    const parsed = fieldsSchema.safeParse(fields);
    if (!parsed.success) throw new UploadInvalid(parsed.error.issues[0]!.message);
    if (files.length === 0) throw new UploadInvalid('Choose at least one image to upload');

    const results = await Promise.all(files);
    const stored = results.filter((r): r is Prepared => 'row' in r);
    const rows = await insertImages(deps.sql, stored.map((p) => ({ ...p.row, visibility: parsed.data.visibility })));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return results.map((r): FileOutcome =>
      'row' in r
        ? { filename: r.filename, status: 'stored', image: byId.get(r.row.id)! }
        : { filename: r.filename, status: 'rejected', reason: r.reason });
  } catch (err) {
    await discard();
    throw err;
  }
}

function reasonOf(err: unknown) {
  if (err instanceof ImageRejected) return err.message;
  console.error('upload: a file failed', err);
  return 'Could not be stored because of a server error; please try again';
}
