import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** A photo-like image (noise over a gradient) of the given size and format. */
export async function makeImage(format: 'jpeg' | 'png' | 'webp' | 'gif' | 'avif', width = 640, height = 480) {
  const noise = sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 120, sigma: 40 } } });
  const img = sharp(await noise.png().toBuffer());
  const out = format === 'avif' ? img.avif({ effort: 0 }) : img.toFormat(format);
  return out.toBuffer();
}

export const jpeg = (w = 640, h = 480) => makeImage('jpeg', w, h);

/** A two-frame animated GIF. */
export async function animatedGif(width = 64, height = 48) {
  const frame = (r: number) =>
    sharp({ create: { width, height, channels: 3, background: { r, g: 40, b: 90 } } }).png().toBuffer();
  return sharp([await frame(200), await frame(20)], { join: { animated: true } })
    .gif({ loop: 0, delay: [100, 100] })
    .toBuffer();
}

function pngChunk(type: string, data: Buffer) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A tiny PNG that claims `side` x `side` pixels: a decompression ("pixel flood") bomb. */
export function pixelFloodPng(side = 50_000) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(side + 1))), // one row; the rest would come from nothing
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG carrying GPS coordinates, camera EXIF, XMP and IPTC, written by exiftool. */
export async function jpegWithLocation(width = 400, height = 300) {
  const dir = await mkdtemp(join(tmpdir(), 'cir-exif-'));
  const path = join(dir, 'photo.jpg');
  try {
    await writeFile(path, await jpeg(width, height));
    execFileSync('exiftool', [
      '-q', '-overwrite_original',
      '-GPSLatitude=48.8583', '-GPSLatitudeRef=N', '-GPSLongitude=2.2945', '-GPSLongitudeRef=E',
      '-Make=SecretCam', '-XMP-dc:Creator=Alice Secret', '-IPTC:City=Paris',
      path,
    ]);
    return await readFile(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What exiftool reads from `data`: tag name to value. */
export async function readTags(data: Buffer): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'cir-exif-'));
  const path = join(dir, 'file');
  try {
    await writeFile(path, data);
    return JSON.parse(execFileSync('exiftool', ['-j', '-G', path]).toString())[0];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
