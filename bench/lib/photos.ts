import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** `count` distinct photos of the given size, made once and kept in bench/.cache. */
export async function photos(kind: string, count: number, width: number, height: number, quality: number) {
  await mkdir(CACHE, { recursive: true });
  const paths: string[] = [];
  let canvas: Buffer | undefined;
  for (let i = 0; i < count; i++) {
    const path = join(CACHE, `${kind}-${width}x${height}-q${quality}-${i}.jpg`);
    if (!existsSync(path)) {
      canvas ??= await makeCanvas(width, height);
      // Each photo differs (mirrored, brighter), so none is a duplicate of another.
      const img = sharp(canvas, { raw: { width, height, channels: 3 } }).modulate({ brightness: 1 + i * 0.004 });
      await writeFile(path, await (i % 2 ? img.flop() : img).jpeg({ quality }).toBuffer());
    }
    paths.push(path);
  }
  return paths;
}

export async function totalBytes(paths: string[]) {
  let n = 0;
  for (const p of paths) n += (await stat(p)).size;
  return n;
}
