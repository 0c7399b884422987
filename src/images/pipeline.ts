import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';

// sharp defaults to one thread on glibc without jemalloc; the machine has more.
sharp.concurrency(availableParallelism());
// libvips' operation cache keeps decoded pixels of past uploads alive; they are never reused.
sharp.cache(false);
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

export const SIZES = { thumb: 400, thumb2x: 800, display: 1600 } as const;

const ACCEPTED = 'JPEG, PNG, WebP, GIF or AVIF';

/** A file we will not store, with the reason shown to the user. */
export class ImageRejected extends Error {}

export type Derivative = { data: Buffer; hash: string };
export type ProcessedImage = {
  format: ImageFormat;
  width: number;
  height: number;
  placeholder: string;
  thumb: Derivative;
  thumb2x: Derivative;
  display: Derivative;
  /** Bytes of the full-size, metadata-free copy written to `cleanPath`. */
  cleanBytes: number;
};

function formatOf(meta: Metadata): ImageFormat | null {
  if (meta.format === 'heif') return meta.compression === 'av1' ? 'avif' : null;
  return (['jpeg', 'png', 'webp', 'gif'] as const).find((f) => f === meta.format) ?? null;
}

/** Re-encodes in the original's format; sharp writes no metadata unless asked. */
function encodeLike(image: Sharp, format: ImageFormat) {
  switch (format) {
    // Huffman optimisation would hold every coefficient of the full-size image in memory.
    case 'jpeg': return image.jpeg({ quality: 92, optimiseCoding: false });
    case 'png': return image.png();
    case 'webp': return image.webp({ quality: 92 });
    case 'gif': return image.gif();
    case 'avif': return image.avif({ quality: 70, effort: 0 });
  }
}

async function webp(image: Sharp, size: number, quality: number): Promise<Derivative> {
  const data = await image.resize(size, size, { fit: 'inside', withoutEnlargement: true }).webp({ quality }).toBuffer();
  return { data, hash: createHash('sha256').update(data).digest('hex').slice(0, 16) };
}

async function thumbHash(thumb: Buffer) {
  const { data, info } = await sharp(thumb).resize(100, 100, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}

async function readMetadata(path: string, maxPixels: number) {
  try {
    return await sharp(path, { limitInputPixels: maxPixels }).metadata();
  } catch (err) {
    throw new ImageRejected(/pixel limit/i.test((err as Error).message)
      ? `Image is too large: more than ${maxPixels.toLocaleString('en')} pixels`
      : `Not an image we can read (${ACCEPTED})`);
  }
}

/**
 * Decodes the file at `path` completely (so truncated or disguised files are refused) and makes,
 * upright and without any metadata: the display size, the grid thumbnails (1x, 2x), a ThumbHash,
 * and a full-size copy written to `cleanPath` for everyone but the owner.
 */
export function processImage(path: string, cleanPath: string, opts: { maxPixels: number }): Promise<ProcessedImage> {
  return decodeSlots(() => decodeAndDerive(path, cleanPath, opts));
}

async function decodeAndDerive(path: string, cleanPath: string, opts: { maxPixels: number }): Promise<ProcessedImage> {
  const meta = await readMetadata(path, opts.maxPixels);
  const format = formatOf(meta);
  if (!format) {
    const named = meta.format === 'heif' ? 'HEIC' : meta.format;
    throw new ImageRejected(`Unsupported format${named ? ` (${named})` : ''}: use ${ACCEPTED}`);
  }
  const animated = (format === 'gif' || format === 'webp') && (meta.pages ?? 1) > 1;
  const source = () => sharp(path, { limitInputPixels: opts.maxPixels, failOn: 'error', animated }).rotate();
  try {
    // One after the other: two full-size pipelines at once would double the peak memory.
    const display = await webp(source(), SIZES.display, 80);
    const clean = await encodeLike(source(), format).toFile(cleanPath);
    // The grid sizes come from the display size: far less to decode than the original.
    const fromDisplay = () => sharp(display.data, { animated });
    // Grid tiles are small and many: a lower quality keeps a page of 48 under 2 MB.
    const [thumb, thumb2x] = await Promise.all([webp(fromDisplay(), SIZES.thumb, 70), webp(fromDisplay(), SIZES.thumb2x, 70)]);
    const upright = (meta.orientation ?? 1) >= 5;
    const height = animated ? (meta.pageHeight ?? meta.height) : meta.height;
    return {
      format,
      width: upright ? height : meta.width,
      height: upright ? meta.width : height,
      placeholder: await thumbHash(thumb.data),
      thumb,
      thumb2x,
      display,
      cleanBytes: clean.size,
    };
  } catch (err) {
    // System errors (disk full, too many open files) are the server's, not the image's.
    if ((err as NodeJS.ErrnoException).code) throw err;
    throw new ImageRejected('The image is damaged or incomplete: it could not be decoded');
  }
}
