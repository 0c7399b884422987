import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { readPhotoDetails, type PhotoDetails } from './exif.ts';
import { decodeHeic, type DecodedHeic } from './heic.ts';

// sharp defaults to one thread on glibc without jemalloc; the machine has more.
sharp.concurrency(availableParallelism());
// libvips' operation cache keeps decoded pixels of past uploads alive; they are never reused.
sharp.cache(false);
// Only the decoders of formats we accept may ever run on uploaded bytes (no SVG, PDF, TIFF, ...).
sharp.block({ operation: ['VipsForeignLoad'] });
sharp.unblock({
  operation: ['VipsForeignLoadJpeg', 'VipsForeignLoadPng', 'VipsForeignLoadWebp', 'VipsForeignLoadNsgif', 'VipsForeignLoadHeif'],
});

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'heic';

export const CONTENT_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  heic: 'image/heic',
};

/** The format of the metadata-free copy everyone but the owner gets: the original's, but JPEG for HEIC (few browsers show it). */
export const cleanFormat = (format: ImageFormat) => (format === 'heic' ? 'jpeg' : format);
/** The format of the file a viewer downloads: the owner's exact original, or everyone else's clean copy. */
export const servedFormat = (format: ImageFormat, owner: boolean) => (owner ? format : cleanFormat(format));

export const SIZES = { thumb: 400, thumb2x: 800, display: 1600 } as const;

const ACCEPTED = 'JPEG, PNG, WebP, GIF, AVIF or HEIC';

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
  /** What the camera recorded, read before anything is stripped. */
  details: PhotoDetails;
  /** Something the uploader should know about what was kept (a HEIC holding several images). */
  note?: string;
};

function formatOf(meta: Metadata): ImageFormat | null {
  if (meta.format === 'heif') return meta.compression === 'av1' ? 'avif' : meta.compression === 'hevc' ? 'heic' : null;
  return (['jpeg', 'png', 'webp', 'gif'] as const).find((f) => f === meta.format) ?? null;
}

// Peak memory one decode takes per pixel, measured here (libvips 8.18, photo-like noise, the
// whole pipeline: display size, then the full-size copy). JPEG and PNG are decoded as they are
// read (a 100 MP JPEG: 73 MB; a 64 MP PNG: 57 MB), so MAX_PIXELS alone bounds them. GIF, WebP
// and AVIF are decoded as whole frames (all frames of an animation together) and their full-size
// copy is encoded in memory: at the default budget's limits (384 MB) the peak grew by 357 MB
// (GIF, 18 MP), 387 MB (WebP, 14.4 MP) and 335 MB (AVIF, 8.7 MP).
// HEIC is decoded whole by libheif in a worker (its WebAssembly memory holds the file, the
// decoded planes and the RGBA pixels), and those pixels are the source of both encodes: the peak
// grew by 197 MB at 12 MP (16.4 bytes per pixel) and by 350 MB at 23.5 MP (14.9). At 16 the
// default budget takes 25.1 MP: an iPhone's 24 MP photos, not its 48 MP ones.
const BYTES_PER_PIXEL: Partial<Record<ImageFormat, number>> = { gif: 22, webp: 30, avif: 46, heic: 16 };

/** The most pixels (all frames together) an image of `format` may have. */
export function pixelLimit(format: ImageFormat, limits: DecodeLimits) {
  const perPixel = BYTES_PER_PIXEL[format];
  return perPixel ? Math.min(limits.maxPixels, Math.floor(limits.memoryBytes / perPixel)) : limits.maxPixels;
}

export type DecodeLimits = { maxPixels: number; memoryBytes: number };

/** Re-encodes in the original's format; sharp writes no metadata unless asked. */
function encodeLike(image: Sharp, format: ImageFormat, meta: Metadata) {
  switch (format) {
    // Huffman optimisation would hold every coefficient of the full-size image in memory.
    case 'jpeg': return image.jpeg({ quality: 92, optimiseCoding: false });
    // Adaptive filtering: a smooth 16 MP gradient takes 70 KB instead of 450 KB. A palette PNG
    // stays one (lossless: it has at most 256 colours).
    case 'png': return image.png({ adaptiveFiltering: true, ...(meta.isPalette ? { palette: true, quality: 100, dither: 0 } : {}) });
    case 'webp': return image.webp({ quality: 92 });
    case 'gif': return image.gif();
    case 'avif': return image.avif({ quality: 70, effort: 0 });
    // Its copy for others is a JPEG: a transparent HEIC comes out on white.
    case 'heic': return image.flatten({ background: '#fff' }).jpeg({ quality: 92, optimiseCoding: false });
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

const tooLarge = (limit: number, what = 'Image') =>
  new ImageRejected(`${what} is too large: more than ${limit.toLocaleString('en')} pixels`);

async function readMetadata(path: string, maxPixels: number) {
  try {
    return await sharp(path, { limitInputPixels: maxPixels }).metadata();
  } catch (err) {
    if (/pixel limit/i.test((err as Error).message)) throw tooLarge(maxPixels);
    throw new ImageRejected(`Not an image we can read (${ACCEPTED})`);
  }
}

/**
 * Decodes the file at `path` completely (so truncated or disguised files are refused) and makes,
 * upright and without any metadata: the display size, the grid thumbnails (1x, 2x), a ThumbHash,
 * and a full-size copy written to `cleanPath` for everyone but the owner.
 */
export async function processImage(path: string, cleanPath: string, limits: DecodeLimits): Promise<ProcessedImage> {
  // The header alone is read here: a pixel bomb is refused before any pixel is decoded.
  const meta = await readMetadata(path, limits.maxPixels);
  const format = formatOf(meta);
  if (!format) throw new ImageRejected(`Unsupported format${meta.format ? ` (${meta.format})` : ''}: use ${ACCEPTED}`);
  const animated = (format === 'gif' || format === 'webp') && (meta.pages ?? 1) > 1;
  const frames = animated ? meta.pages! : 1;
  const limit = pixelLimit(format, limits);
  if (meta.width * (meta.pageHeight ?? meta.height) * frames > limit) {
    throw tooLarge(limit, `A ${format.toUpperCase()}${animated ? ' animation (all frames together)' : ''}`);
  }
  try {
    // HEIC: decoded once by libheif (the prebuilt libvips cannot), which also applies its rotation.
    const heic = format === 'heic' ? await decodeHeic(path, limit) : undefined;
    const source = heic ? () => fromPixels(heic) : () => sharp(path, { limitInputPixels: limit, failOn: 'error', animated }).rotate();
    // One after the other: two full-size pipelines at once would double the peak memory.
    const display = await webp(source(), SIZES.display, 80);
    const clean = await encodeLike(source(), format, meta).toFile(cleanPath);
    // The grid sizes come from the display size: far less to decode than the original.
    const fromDisplay = () => sharp(display.data, { animated });
    // Grid tiles are small and many: a lower quality keeps a page of 48 under 2 MB.
    const [thumb, thumb2x] = await Promise.all([webp(fromDisplay(), SIZES.thumb, 70), webp(fromDisplay(), SIZES.thumb2x, 70)]);
    const upright = (meta.orientation ?? 1) >= 5;
    const height = animated ? (meta.pageHeight ?? meta.height) : meta.height;
    return {
      format,
      width: heic?.width ?? (upright ? height : meta.width),
      height: heic?.height ?? (upright ? meta.width : height),
      placeholder: await thumbHash(thumb.data),
      thumb,
      thumb2x,
      display,
      cleanBytes: clean.size,
      details: readPhotoDetails(meta.exif),
      note: heic && heic.images > 1 ? `This HEIC holds ${heic.images} images (a burst or a moving photo): its primary image was kept.` : undefined,
    };
  } catch (err) {
    // System errors (disk full, too many open files) are the server's, not the image's.
    if ((err as NodeJS.ErrnoException).code) throw err;
    throw new ImageRejected('The image is damaged or incomplete: it could not be decoded');
  }
}

/** A sharp pipeline over a decoded HEIC's pixels (without the alpha channel of an opaque one). */
function fromPixels(heic: DecodedHeic) {
  const image = sharp(heic.pixels, { raw: { width: heic.width, height: heic.height, channels: 4 } });
  return heic.alpha ? image : image.removeAlpha();
}
