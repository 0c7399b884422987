import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';

export const CACHE = join(import.meta.dirname, '..', '.cache');

/**
 * Blurred, upscaled noise under a gradient and a strong grain: compresses like nothing a camera
 * makes (its WebP is as heavy as its JPEG), but makes large files, for the memory bench.
 */
async function noiseCanvas(width: number, height: number) {
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

/** Smooth random values (blurred noise, upscaled), one layer of detail `div` times coarser than the image. */
async function layer(width: number, height: number, div: number, blur: number) {
  const w = Math.max(2, Math.round(width / div));
  const h = Math.max(2, Math.round(height / div));
  return sharp({ create: { width: w, height: h, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .blur(blur).resize(width, height, { kernel: 'cubic' }).raw().toBuffer();
}

/**
 * A photo-like canvas: the detail is in the luminance (hard-edged shapes, texture at three
 * scales, a light sensor grain) and the colour changes slowly, as in a camera picture. Calibrated
 * against a real photo (autocannon's test JPEG, 1169 x 584 at 2.8 bits a pixel): saved as a
 * high-quality JPEG, its display WebP and thumbnails weigh about what that photo's do (0.2-0.3 and
 * 0.1-0.15 of it), where pure noise would make them as heavy as the JPEG itself.
 */
async function photoCanvas(width: number, height: number) {
  const [coarse, mid, fine, shapes] = await Promise.all([
    layer(width, height, 80, 1.2), layer(width, height, 20, 0.8), layer(width, height, 5, 0.6), layer(width, height, 40, 1),
  ]);
  const grain = await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 2 } } })
    .raw().toBuffer();
  const out = Buffer.alloc(width * height * 3);
  for (let i = 0; i < out.length; i += 3) {
    const edge = shapes[i]! > 128 ? 40 : -30;
    const lum = 0.45 * (coarse[i]! - 128) + 0.2 * (mid[i]! - 128) + 0.2 * (fine[i]! - 128) + edge + 120 + grain[i]! - 128;
    for (let c = 0; c < 3; c++) {
      const v = lum + 0.5 * (coarse[i + c]! - coarse[i]!) + (c - 1) * 0.3 * (shapes[i + 1]! - 128);
      out[i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return out;
}

/**
 * `count` distinct photos of the given size, kept in bench/.cache. One is encoded; the others are
 * the same picture with a different JPEG comment, so each file (and its SHA-256) is unique.
 */
export async function photos(kind: string, count: number, width: number, height: number, quality: number, look: 'noise' | 'photo' = 'noise') {
  await mkdir(CACHE, { recursive: true });
  const paths = Array.from({ length: count }, (_, i) => join(CACHE, `${kind}-${look === 'photo' ? 'p-' : ''}${width}x${height}-q${quality}-${i}.jpg`));
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) {
    const canvas = look === 'photo' ? await photoCanvas(width, height) : await noiseCanvas(width, height);
    const jpeg = await sharp(canvas, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
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
