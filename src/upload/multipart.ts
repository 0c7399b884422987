import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { BadRequest, HttpError, Timeout, TooLarge } from '../web/errors.tsx';

/** A file part written to a temporary file as it streamed in (never held in memory). */
export type ReceivedFile = { filename: string; path: string; bytes: number; sha256: string };
export type RejectedFile = { filename: string; reason: string };

/** Temporary disk this upload may hold: `take` reserves bytes (false when there is no room). */
export type TempAllowance = { take(bytes: number): boolean; release(bytes: number): void };

export type UploadLimits = {
  maxFileBytes: number;
  maxFiles: number;
  fileField: string;
  /** The body fails when no byte arrives for this long. */
  idleMs: number;
  temp: TempAllowance;
  /** Aborted: the body stops being read and fails with the signal's reason (the instance is stopping). */
  signal?: AbortSignal;
};


/**
 * The name the user gave the file, as text to show: browsers escape `"`, CR and LF in multipart
 * filenames (WHATWG HTML), old Windows ones send a whole path, and control characters never display.
 * Bidirectional overrides go too: `photo\u202Egpj.exe` must not pose as `photoexe.jpg`.
 */
export function cleanFilename(raw: string) {
  const name = raw
    .replace(/%22/g, '"')
    .replace(/%0[ad]/gi, ' ')
    .replace(/^[a-z]:\\.*\\/i, '') // C:\Users\me\photo.jpg from old Windows browsers
    .replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .normalize('NFC')
    .trim()
    .slice(0, 255);
  return name || 'unnamed';
}

/** 1.5 MB, 50 MB: how the limits read to people. */
export const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** The most bytes one upload request may carry: every file at its limit, plus the small fields. */
export const maxUploadBytes = (limits: Pick<UploadLimits, 'maxFiles' | 'maxFileBytes'>) =>
  limits.maxFiles * limits.maxFileBytes + 1024 * 1024;

/** The refusal of an upload body over `max` bytes (declared or counted). */
export const bodyTooLarge = (max: number) => new TooLarge(`The upload is larger than ${mb(max)}`);

/** Fails the stream once more than `max` bytes went through, whatever the headers claimed. */
function byteLimit(max: number) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > max ? bodyTooLarge(max) : null, chunk);
    },
  });
}

/** Fails the stream when no chunk arrives for `ms`: a stalled client holds nothing for long. */
function idleLimit(ms: number) {
  const idle = new Transform({
    transform(chunk: Buffer, _enc, done) {
      timer.refresh();
      done(null, chunk);
    },
    flush(done) {
      clearTimeout(timer);
      done();
    },
    destroy(err, done) {
      clearTimeout(timer);
      done(err);
    },
  });
  const timer = setTimeout(() => idle.destroy(new Timeout(`Nothing arrived for ${Math.round(ms / 1000)} seconds`)), ms);
  return idle;
}

/**
 * Streams a multipart body: small fields are collected, each file part goes to a temporary file
 * while its SHA-256 is computed, and `onFile` starts on it as soon as it is complete; the file is
 * removed as soon as `onFile` is done with it. A file that is empty, too large, over the count or
 * over the temporary disk allowance is rejected on its own; the other files go on. `onField` sees
 * each small field as it arrives and may refuse the whole body by throwing.
 * Returns once the body is read: the fields and, in body order, each file's `onFile` result (or
 * its rejection) to come. When the body fails, its files have settled before the error is thrown.
 */
export async function receiveMultipart<T>(
  body: Readable,
  headers: Record<string, string>,
  limits: UploadLimits,
  handlers: { onField(name: string, value: string): void; onFile(file: ReceivedFile): Promise<T> },
): Promise<{ fields: Record<string, string>; files: Array<Promise<T | RejectedFile>> }> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers,
      defParamCharset: 'utf8', // browsers send filenames as raw UTF-8
      preservePath: true, // a name may contain '/'; cleanFilename decides what is a path
      limits: { fileSize: limits.maxFileBytes, fields: 20, fieldSize: 4096, parts: limits.maxFiles * 2 + 40 },
    });
  } catch {
    throw new BadRequest('The upload could not be read: it is not a multipart form');
  }
  const fields: Record<string, string> = {};
  const files: Array<Promise<T | RejectedFile>> = [];
  let count = 0;
  let handedOver = Promise.resolve();

  parser.on('field', (name, value) => {
    fields[name] = value;
    try {
      handlers.onField(name, value);
    } catch (err) {
      parser.destroy(err as Error);
    }
  });
  parser.on('file', (field, stream, info) => {
    // When the whole body fails (too large, cut off), busboy errors every open file stream; that
    // error is already the request's, and an unhandled one would crash the process.
    stream.on('error', () => {});
    if (field !== limits.fileField || !info.filename) {
      stream.resume(); // an empty file input sends a nameless, empty part
      return;
    }
    const filename = cleanFilename(info.filename);
    count += 1;
    if (count > limits.maxFiles) {
      stream.resume();
      files.push(Promise.resolve({ filename, reason: `Too many files: at most ${limits.maxFiles} per upload` }));
      return;
    }
    const path = join(tmpdir(), `upload-${randomUUID()}`);
    const hash = createHash('sha256');
    let bytes = 0;
    let held = 0; // bytes on temporary disk, reserved from the allowance
    let noRoom = false;
    const written = pipeline(
      stream,
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          bytes += chunk.length;
          // Out of room: the rest of the part is read and dropped, the other parts go on.
          noRoom ||= !limits.temp.take(chunk.length);
          if (noRoom) return done();
          held += chunk.length;
          done(null, chunk);
        },
      }),
      createWriteStream(path),
    );
    // `onFile` is called in body order (the earlier of two equal files is the one kept), though
    // a later part may finish writing first: each waits until the one before it was handed over.
    const prior = handedOver;
    let handOver!: () => void;
    handedOver = new Promise<void>((resolve) => (handOver = resolve));
    const result = Promise.allSettled([written, prior])
      .then(([write]): Promise<T | RejectedFile> => {
        try {
          if (write.status === 'rejected') throw write.reason;
          if ((stream as { truncated?: boolean }).truncated) {
            return Promise.resolve({ filename, reason: `File is larger than the limit of ${mb(limits.maxFileBytes)}` });
          }
          if (noRoom) return Promise.resolve({ filename, reason: 'The server has no room for this file right now: upload fewer files at once, or try again later' });
          if (bytes === 0) return Promise.resolve({ filename, reason: 'File is empty' });
          return handlers.onFile({ filename, path, bytes, sha256: hash.digest('hex') });
        } finally {
          handOver();
        }
      })
      .finally(async () => {
        await rm(path, { force: true });
        limits.temp.release(held);
      });
    // Awaited only once the whole body is read; until then a failure must not count as unhandled
    // (that would end the process).
    result.catch(() => {});
    files.push(result);
  });

  try {
    await pipeline(
      body,
      idleLimit(limits.idleMs),
      byteLimit(maxUploadBytes(limits)),
      parser,
      { signal: limits.signal },
    );
  } catch (err) {
    await Promise.allSettled(files);
    if (limits.signal?.aborted) throw limits.signal.reason;
    throw err instanceof HttpError ? err : new BadRequest('The upload could not be read; please try again');
  }
  return { fields, files };
}
