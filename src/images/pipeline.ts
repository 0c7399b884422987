import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import sharp, { type Metadata, type Sharp } from 'sharp';

// sharp defaults to one thread on glibc without jemalloc; the machine has more.
sharp.concurrency(availableParallelism());
// Decoding many large images at once would multiply memory, not throughput: one per core.
const decodeSlots = pLimit(availableParallelism());
// Only the decoders of formats we accept may ever run on uploaded bytes (no SVG, PDF, TIFF, ...).
sharp.block({ operation: ['VipsForeignLoad'] });
sharp.unblock({
  operation: ['VipsForeignLoadJpeg', 'VipsForeignLoadPng', 'VipsForeignLoadWebp', 'VipsForeignLoadNsgif', 'VipsForeignLoadHeif'],
});

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif';

export const CONTENT_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

export const THUMB_SIZE = 400;
export const DISPLAY_SIZE = 1600;

/** A file we will not store, with the reason shown to the user. */
export class ImageRejected extends Error {}

export type Derivative = { data: Buffer; hash: string; width: number; height: number };
export type ProcessedImage = {
  format: ImageFormat;
  width: number;
  height: number;
  thumb: Derivative;
  display: Derivative;
};

function formatOf(meta: Metadata): ImageFormat | null {
  if (meta.format === 'heif') return meta.compression === 'av1' ? 'avif' : null;
  return (['jpeg', 'png', 'webp', 'gif'] as const).find((f) => f === meta.format) ?? null;
}

async function derive(image: Sharp, size: number): Promise<Derivative> {
  const { data, info } = await image
    .clone()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer({ resolveWithObject: true });
  const hash = createHash('sha256').update(data).digest('hex').slice(0, 16);
  return { data, hash, width: info.width, height: info.pageHeight ?? info.height };
}

/**
 * Decodes the file at `path` completely (so truncated or fake images are refused), and makes the
 * grid thumbnail and the display size, upright and without any metadata.
 */
export function processImage(path: string, opts: { maxPixels: number }): Promise<ProcessedImage> {
  return decodeSlots(() => decodeAndDerive(path, opts));
}

async function decodeAndDerive(path: string, opts: { maxPixels: number }): Promise<ProcessedImage> {
  const meta = await sharp(path, { limitInputPixels: opts.maxPixels })
    .metadata()
    .catch((err: Error) => {
      throw new ImageRejected(/pixel limit/i.test(err.message)
        ? `Image is too large: more than ${opts.maxPixels.toLocaleString('en')} pixels`
        : 'Not an image we can read (JPEG, PNG, WebP, GIF or AVIF)');
    });
  const format = formatOf(meta);
  if (!format) throw new ImageRejected(`Unsupported format${meta.format ? ` (${meta.format})` : ''}: use JPEG, PNG, WebP, GIF or AVIF`);
  const animated = (format === 'gif' || format === 'webp') && (meta.pages ?? 1) > 1;
  const image = sharp(path, { limitInputPixels: opts.maxPixels, failOn: 'error', animated }).rotate();
  try {
    const [thumb, display] = await Promise.all([derive(image, THUMB_SIZE), derive(image, DISPLAY_SIZE)]);
    const upright = (meta.orientation ?? 1) >= 5;
    const height = animated ? (meta.pageHeight ?? meta.height) : meta.height;
    return {
      format,
      width: upright ? height : meta.width,
      height: upright ? meta.width : height,
      thumb,
      display,
    };
  } catch (err) {
    throw new ImageRejected('The image is damaged or incomplete: it could not be decoded');
  }
}
