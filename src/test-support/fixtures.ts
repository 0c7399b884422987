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
  // Quick encoders: a full-colour GIF of noise took 50 s to quantize, a 16-colour one under 1.
  const out = format === 'avif' ? img.avif({ effort: 0 }) : format === 'gif' ? img.gif({ effort: 1, dither: 0, colours: 16 }) : img.toFormat(format);
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

/** Camera EXIF as a phone writes it (exiftool arguments): taken in Paris, with its offset. */
export const PHONE_EXIF = [
  '-DateTimeOriginal=2024:06:01 14:30:15', '-OffsetTimeOriginal=+02:00', '-Make=Apple', '-Model=iPhone 15 Pro',
  '-LensModel=iPhone 15 Pro back triple camera 6.86mm f/1.78', '-FocalLength=6.86', '-FNumber=1.78', '-ExposureTime=0.004',
  '-ISO=80', '-GPSLatitude=48.8584', '-GPSLatitudeRef=N', '-GPSLongitude=2.2945', '-GPSLongitudeRef=E',
];

/** A JPEG with `tags` (exiftool arguments; the phone's by default) written into it by exiftool. */
export async function jpegWithExif(width = 400, height = 300, tags = PHONE_EXIF) {
  const dir = await mkdtemp(join(tmpdir(), 'cir-exif-'));
  const path = join(dir, 'photo.jpg');
  try {
    await writeFile(path, await jpeg(width, height));
    execFileSync('exiftool', ['-q', '-overwrite_original', ...tags, path]);
    return await readFile(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A JPEG carrying GPS coordinates, camera EXIF, XMP and IPTC, written by exiftool. */
export const jpegWithLocation = (width = 400, height = 300) => jpegWithExif(width, height, [
  '-GPSLatitude=48.8583', '-GPSLatitudeRef=N', '-GPSLongitude=2.2945', '-GPSLongitudeRef=E',
  '-Make=SecretCam', '-XMP-dc:Creator=Alice Secret', '-IPTC:City=Paris',
]);

/**
 * A real HEIC (HEVC in HEIF, as iPhones write) made by libheif's own encoder, `heif-enc` (Debian's
 * libheif-examples), from the given JPEGs: the first is the primary image, any others are more
 * images in the same file (as a burst holds). heif-enc carries the first JPEG's EXIF over.
 */
export async function heic(...jpegs: Buffer[]) {
  const dir = await mkdtemp(join(tmpdir(), 'cir-heic-'));
  try {
    const inputs = await Promise.all(jpegs.map(async (data, i) => {
      const path = join(dir, `in-${i}.jpg`);
      await writeFile(path, data);
      return path;
    }));
    // x265's fastest preset: still HEVC in HEIF, five times faster on these noisy pictures.
    execFileSync('heif-enc', ['-q', '50', '-p', 'preset=ultrafast', '-o', join(dir, 'out.heic'), ...inputs], { stdio: 'ignore' });
    return await readFile(join(dir, 'out.heic'));
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
