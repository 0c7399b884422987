import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ByteRange, Storage } from './storage.ts';

export type S3Options = {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Create the bucket at start when it does not exist. */
  createBucket?: boolean;
};

const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const notFound = (err: unknown) => {
  const name = (err as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchBucket' || status(err) === 404;
};

/** Objects in an S3 bucket (AWS, MinIO, R2, ...). Streams go up as multipart uploads, never buffered whole. */
export function createS3Storage(opts: S3Options): Storage {
  const client = new S3Client({
    region: opts.region,
    endpoint: opts.endpoint,
    forcePathStyle: opts.forcePathStyle,
    credentials: opts.accessKeyId && opts.secretAccessKey
      ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey }
      : undefined,
    // With the default (WHEN_SUPPORTED) a streamed body is sent aws-chunked with a trailing
    // checksum, which S3-compatible stores may save verbatim inside the object.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = opts.bucket;
  const storage: Storage = {
    async init() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (err) {
        if (!notFound(err)) throw new Error(`S3 bucket "${Bucket}" is not reachable: ${(err as Error).message || (err as Error).name}`);
        if (!opts.createBucket) throw new Error(`S3 bucket "${Bucket}" does not exist (create it, or set S3_CREATE_BUCKET=1)`);
        await client.send(new CreateBucketCommand({ Bucket }));
      }
    },
    async put(key, body, contentType) {
      await new Upload({ client, params: { Bucket, Key: key, Body: body, ContentType: contentType } }).done();
    },
    async putFile(key, path, contentType) {
      await storage.put(key, createReadStream(path), contentType);
    },
    async get(key, range?: ByteRange) {
      try {
        const res = await client.send(
          new GetObjectCommand({ Bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
        );
        return res.Body as Readable;
      } catch (err) {
        if (notFound(err)) return null;
        throw err;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async deleteMany(keys) {
      const failed: string[] = [];
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000);
        try {
          const res = await client.send(new DeleteObjectsCommand({
            Bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }));
          failed.push(...(res.Errors ?? []).map((e) => e.Key!));
        } catch {
          failed.push(...batch);
        }
      }
      return failed;
    },
    async *list(prefix, after) {
      for await (const page of paginateListObjectsV2({ client }, { Bucket, Prefix: prefix, StartAfter: after })) {
        for (const o of page.Contents ?? []) yield { key: o.Key!, modified: o.LastModified ?? new Date(0) };
      }
    },
    async check() {
      await client.send(new HeadBucketCommand({ Bucket }));
    },
    async presign(key, o) {
      const command = new GetObjectCommand({
        Bucket,
        Key: key,
        ResponseContentType: o.contentType,
        ResponseContentDisposition: o.disposition,
        ResponseCacheControl: o.cacheControl,
      });
      return getSignedUrl(client, command, { expiresIn: o.expiresIn });
    },
  };
  return storage;
}
