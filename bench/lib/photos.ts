import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';

export const CACHE = join(import.meta.dirname, '..', '.cache');

/**
 * A photo-like canvas: smooth random shapes (blurred, upscaled noise), a gradient and fine grain,
 * so it compresses like a camera picture rather than like flat colour or pure noise.
 */
async function makeCanvas(width: number, height: number) {
  const base = await sharp({ create: { width: width / 10, height: height / 10, channels: 3, background: '#000',
    noise: { type: 'gaussian', mean: 110, sigma: 55 } } })
    .blur(2).resize(width, height, { kernel: 'cubic' }).raw().toBuffer();
  const grain = await sharp({ create: { width, height, channels: 3, background: '#000',
    noise: { type: 'gaussian', mean: 128, sigma: 16 } } }).raw().toBuffer();
  const row = width * 3;
  for (let i = 0; i < base.length; i++) {
    base[i] = Math.max(0, Math.min(255, base[i]! * 0.65 + ((i / row) | 0) * (80 / height) + grain[i]! - 128));
  }
  return base;
}

/**
 * `count` distinct photos of the given size, kept in bench/.cache. One is encoded; the others are
 * the same picture with a different JPEG comment, so each file (and its SHA-256) is unique.
 */
export async function photos(kind: string, count: number, width: number, height: number, quality: number) {
  await mkdir(CACHE, { recursive: true });
  const paths = Array.from({ length: count }, (_, i) => join(CACHE, `${kind}-${width}x${height}-q${quality}-${i}.jpg`));
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) {
    const jpeg = await sharp(await makeCanvas(width, height), { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
    for (const path of missing) {
      const text = Buffer.from(basename(path));
      const comment = Buffer.alloc(4);
      comment.writeUInt16BE(0xfffe, 0); // COM marker, then its length (which counts itself)
      comment.writeUInt16BE(text.length + 2, 2);
      await writeFile(path, Buffer.concat([jpeg.subarray(0, 2), comment, text, jpeg.subarray(2)]));
    }
  }
  return paths;
}

export async function totalBytes(paths: string[]) {
  let n = 0;
  for (const p of paths) n += (await stat(p)).size;
  return n;
}
