import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Options } from '../storage/s3.ts';

/** A real S3-protocol server (s3rver) on loopback with one empty bucket. */
export async function startS3Server(dir: string, bucket = 'images', fixedPort = 0) {
  await mkdir(dir, { recursive: true });
  const server = new S3rver({ port: fixedPort, address: '127.0.0.1', silent: true, directory: dir });
  const { port } = (await server.run()) as { port: number };
  const options: S3Options = {
    bucket,
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  };
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  /** The settings that point an app process at this bucket. */
  const env = { S3_BUCKET: bucket, S3_ENDPOINT: options.endpoint!, S3_FORCE_PATH_STYLE: '1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
  return { options, env, port, stop: () => server.close() };
}
