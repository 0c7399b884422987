import type { Logger } from 'pino';
import { z } from 'zod';
import { VERIFY_TO_SHARE } from '../recovery/sharing.ts';
import type { Deps } from '../web/env.ts';
import { Invalid } from '../web/errors.tsx';
import { fieldErrors } from '../web/forms.tsx';
import { randomId } from '../web/ids.ts';
import type { StreamedRequest } from '../web/request-body.ts';
import { formatBytes } from '../web/format.tsx';
import { storageOf } from '../auth/users.sql.ts';
import { findDuplicates, insertWithinQuota, type NewImage, type Verdict, type Visibility } from '../images/images.sql.ts';
import { allKeys, objectKeys } from '../images/keys.ts';
import { CONTENT_TYPES, ImageRejected, processImage } from '../images/pipeline.ts';
import { DecodeBusy, type DecodeQueue } from '../images/decode-queue.ts';
import { receiveMultipart, type ReceivedFile, type RejectedFile } from './multipart.ts';
import { stageObjects } from './staged.ts';
import type { TempSpace } from './temp-space.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { Lifecycle } from '../web/lifecycle.ts';

/** What an upload needs besides the shared services: this instance's decode slots, temp disk and lifecycle. */
export type UploadDeps = Deps & { decodes: DecodeQueue; tempSpace: TempSpace; lifecycle: Lifecycle; metrics: Pick<Metrics, 'uploaded'> };

export type FileOutcome =
  | { filename: string; status: 'stored'; id: string; note?: string }
  | { filename: string; status: 'duplicate'; id: string }
  | { filename: string; status: 'rejected'; reason: string; retryAfter?: number };

/** A file decoded and its objects written, waiting for its row. */
type Prepared = { filename: string; row: NewImage; note?: string };
/** The same bytes as an image the user already had before this upload. */
type Known = { filename: string; duplicateOf: string };
/** The same bytes as an earlier file of this upload: it shares that file's fate, decoded once. */
type Repeat = { filename: string; repeats: FileResult };
type Refused = RejectedFile & { retryAfter?: number };
type FileResult = Prepared | Known | Repeat | Refused;

/** An upload's visibility, the album it was sent to, and, in the order the files were sent, what became of each. */
export type Ingested = { visibility: Visibility; album?: string; outcomes: FileOutcome[]; fields: Record<string, unknown> };
export type IngestHooks = {
  /** False when public images must wait (REQUIRE_VERIFIED_EMAIL and an unverified address). */
  mayPublish?: boolean;
  /**
   * Called once the body is read (with the files already processed), then as each other file's
   * processing ends: how many are done, of all the files of the upload.
   */
  onProgress?(done: number, of: number): void;
  /**
   * The visibilities the upload may ask for (the form's: public or private). Unlisted images are
   * stored without a link: the caller gives them theirs once they are stored.
   */
  visibilities?: readonly [Visibility, ...Visibility[]];
  /** The visibility of an upload that names none (the form always does: without this, one that does not is refused). */
  defaultVisibility?: Visibility;
  /** More fields the upload may carry, each optional: checked with the others, and returned parsed. */
  fields?: Record<string, z.ZodOptional>;
  /** Checks the parsed fields against the database before anything is kept; throws Invalid to refuse the upload. */
  confirmFields?(fields: Record<string, unknown>): Promise<void>;
  /** Where a file's failure that is ours (not the image's) is logged: the request's logger (else the app's). */
  log?: Pick<Logger, 'error'>;
};

const FORM_VISIBILITIES = ['public', 'private'] as const;

function fieldsSchema(hooks: IngestHooks) {
  const visibilities = hooks.visibilities ?? FORM_VISIBILITIES;
  const message = `Choose whether the images are ${new Intl.ListFormat('en', { type: 'disjunction' }).format(visibilities)}`;
  const visibility = z.enum(visibilities, message);
  return z.object({ visibility: hooks.defaultVisibility ? visibility.default(hooks.defaultVisibility) : visibility, ...hooks.fields });
}

/**
 * The upload's fields, checked as soon as they are known: a bad value refuses the whole upload at
 * once (our form sends the fields before the files, so nothing is decoded); `ready` settles when
 * they are valid, or when the body ended without them. Files wait for it before writing objects.
 */
function uploadFields(mayPublish: boolean, schema: ReturnType<typeof fieldsSchema>) {
  let settle!: (v: Visibility) => void;
  let fail!: (err: Invalid) => void;
  const ready = new Promise<Visibility>((resolve, reject) => ((settle = resolve), (fail = reject)));
  ready.catch(() => {}); // awaited by the files and at the end; never unhandled
  /** Settles `ready` with the fields, or fails it (and returns the error) when they are not valid. */
  const check = (fields: Record<string, string>) => {
    const parsed = schema.safeParse(fields);
    if (parsed.success && (mayPublish || parsed.data.visibility === 'private')) return settle(parsed.data.visibility);
    const err = new Invalid(parsed.success ? { visibility: VERIFY_TO_SHARE } : fieldErrors(parsed.error));
    fail(err);
    return err;
  };
  return {
    ready,
    onField(name: string, value: string) {
      if (name !== 'visibility') return;
      const err = check({ visibility: value });
      if (err) throw err;
    },
    /** At the end of the body: the fields it had, parsed, or the reason they are missing or wrong. */
    async end(fields: Record<string, string>) {
      const err = check(fields);
      if (err) throw err;
      await ready;
      return schema.parse(fields);
    },
  };
}

/**
 * Stores every acceptable image of a multipart upload for `userId` and says, per file, what
 * happened. Objects are written first under fresh keys, then the rows; objects whose row is not
 * written (refused, duplicate, over quota, any error) are removed again.
 */
export async function ingestUpload(deps: UploadDeps, userId: string, req: StreamedRequest, hooks: IngestHooks = {}): Promise<Ingested> {
  const { sql, storage, config } = deps;
  // Cut when the instance stops and its grace runs out: the upload then fails whole (503).
  const { signal } = deps.lifecycle;
  const fields = uploadFields(hooks.mayPublish ?? true, fieldsSchema(hooks));
  const staged = stageObjects(deps);
  const bySha256 = new Map<string, Promise<FileResult>>();
  const limits = { maxPixels: config.upload.maxPixels, memoryBytes: config.decode.memoryBytes };

  async function decodeAndStore(file: ReceivedFile): Promise<FileResult> {
    try {
      // Only looked up here, to spare the decode: one in the trash comes out of it with the
      // rows, once the upload is accepted.
      const duplicateOf = (await findDuplicates(sql, userId, [file.sha256])).get(file.sha256);
      if (duplicateOf) return { filename: file.filename, duplicateOf };
      const img = await deps.decodes.run(userId, (toEncoding) => (signal.throwIfAborted(), processImage(file.path, limits, toEncoding)));
      const visibility = await fields.ready;
      const row: NewImage = {
        id: randomId(),
        user_id: userId,
        filename: file.filename,
        visibility,
        format: img.format,
        bytes: file.bytes,
        sha256: file.sha256,
        width: img.width,
        height: img.height,
        placeholder: img.placeholder,
        thumb_hash: img.thumb.hash,
        thumb2x_hash: img.thumb2x.hash,
        display_hash: img.display.hash,
        // The clean copy is made (and charged) on its first request (images/clean-copy.ts).
        clean_bytes: null,
        // What the quota charges: every object the image keeps.
        stored_bytes: file.bytes + img.thumb.data.length + img.thumb2x.data.length + img.display.data.length,
        ...img.details,
      };
      const key = objectKeys(row);
      staged.add(row.id, allKeys(row));
      // allSettled: when one write fails, the others must have finished before they are discarded.
      const writes = await Promise.allSettled([
        storage.putFile(key.original, file.path, CONTENT_TYPES[img.format]),
        storage.put(key.thumb, img.thumb.data, 'image/webp'),
        storage.put(key.thumb2x, img.thumb2x.data, 'image/webp'),
        storage.put(key.display, img.display.data, 'image/webp'),
      ]);
      const failed = writes.find((w) => w.status === 'rejected');
      if (failed) throw failed.reason;
      return { filename: file.filename, row, note: img.note };
    } catch (err) {
      if (err instanceof Invalid) throw err;
      if (signal.aborted) throw signal.reason;
      return { filename: file.filename, ...refusal(err, hooks.log ?? deps.log) };
    }
  }

  function onFile(file: ReceivedFile): Promise<FileResult> {
    const earlier = bySha256.get(file.sha256);
    if (earlier) return earlier.then((repeats) => ({ filename: file.filename, repeats }));
    const result = decodeAndStore(file);
    bySha256.set(file.sha256, result);
    return result;
  }

  let files: Promise<unknown>[] = [];
  // In flight until its objects are kept or removed: the shutdown waits for that, not only for the answer.
  const landed = deps.lifecycle.hold();
  try {
    const limitsOfBody = { ...config.upload, fileField: 'images', temp: deps.tempSpace.forUser(userId), signal };
    const received = await receiveMultipart(req.body, Object.fromEntries(req.headers), limitsOfBody, { onField: fields.onField, onFile });
    files = received.files;
    // Files sent before the fields wait for this before they write anything.
    const parsed = await fields.end(received.fields);
    await hooks.confirmFields?.(parsed);
    if (received.files.length === 0) throw new Invalid({ images: 'Choose at least one image to upload' });
    if (hooks.onProgress) await reportProgress(received.files, hooks.onProgress);
    const results = await Promise.all(received.files);
    // In the order the files were sent, not the order they finished: that decides who fits the
    // quota and which of two equal files is kept.
    const prepared = results.filter((r): r is Prepared => 'row' in r);
    const known = results.flatMap((r) => ('duplicateOf' in r ? [r.duplicateOf] : []));
    const { quota } = await storageOf(sql, userId, config.upload.quotaBytes);
    const verdicts = await insertWithinQuota(sql, userId, prepared.map((p) => p.row), quota, known);
    staged.commit([...verdicts].filter(([, v]) => 'stored' in v).map(([id]) => id));
    const album = received.fields.album?.slice(0, 64) || undefined;
    const outcomes = results.map((r) => outcomeOf(r, verdicts, quota));
    const written = new Map(prepared.map((p) => [p.row.id, p.row.stored_bytes]));
    for (const o of outcomes) deps.metrics.uploaded(o.status, o.status === 'stored' ? written.get(o.id) : 0);
    return { visibility: parsed.visibility, album, outcomes, fields: parsed };
  } finally {
    // Nothing of this upload goes on after its answer.
    await Promise.allSettled(files);
    await staged.discard().finally(landed);
  }
}

/** Reports how many of `files` are done now, then again as each of the others settles. */
async function reportProgress(files: Promise<unknown>[], onProgress: (done: number, of: number) => void) {
  let done = 0;
  let reporting = false;
  const settled = () => {
    done += 1;
    if (reporting) onProgress(done, files.length);
  };
  for (const f of files) f.then(settled, settled);
  // The callbacks of the files already settled were queued above, before this await's own
  // continuation: the first report counts them.
  await null;
  reporting = true;
  onProgress(done, files.length);
}

/** What happened to one file, from its result and the insert's verdicts. */
function outcomeOf(r: FileResult, verdicts: Map<string, Verdict>, quota: number): FileOutcome {
  if ('repeats' in r) {
    const first = outcomeOf(r.repeats, verdicts, quota);
    return first.status === 'stored' ? { filename: r.filename, status: 'duplicate', id: first.id } : { ...first, filename: r.filename };
  }
  if ('reason' in r) return { filename: r.filename, status: 'rejected', reason: r.reason, retryAfter: r.retryAfter };
  if ('duplicateOf' in r) return { filename: r.filename, status: 'duplicate', id: r.duplicateOf };
  const verdict = verdicts.get(r.row.id)!;
  if ('stored' in verdict) return { filename: r.filename, status: 'stored', id: r.row.id, note: r.note };
  if ('duplicateOf' in verdict) return { filename: r.filename, status: 'duplicate', id: verdict.duplicateOf };
  const left = formatBytes(Math.max(0, verdict.overQuota.left));
  const reason = `Over your storage quota: ${left} left of ${formatBytes(quota)} (images in the trash count until it is emptied)`;
  return { filename: r.filename, status: 'rejected', reason };
}

/** Why a file was refused: the image's fault, a busy server, or (logged) ours. */
function refusal(err: unknown, log: Pick<Logger, 'error'>): Omit<Refused, 'filename'> {
  if (err instanceof ImageRejected) return { reason: err.message };
  if (err instanceof DecodeBusy) return { reason: err.message, retryAfter: err.retryAfter };
  log.error({ err }, 'upload: a file failed');
  return { reason: 'Could not be stored because of a server error; please try again' };
}
