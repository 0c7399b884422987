import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { readPhotoDetails, type PhotoDetails } from './exif.ts';
import { decodeHeic, type DecodedHeic } from './heic.ts';
import type { ToEncoding } from './decode-queue.ts';
import { estimateJpegQuality } from './jpeg-quality.ts';

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
/** The display size's WebP quality: libwebp's own default, about 0.8 of the bytes of 80 for no loss a viewer sees. */
export const DISPLAY_QUALITY = 75;

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
// display size and the full-size copy one after the other, as they were made at upload then;
// each is now a decode of its own, so these bound both). JPEG and PNG are decoded as they are
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

async function webp(image: Sharp, quality: number, effort?: number): Promise<Derivative> {
  const data = await image.webp({ quality, effort }).toBuffer();
  return { data, hash: createHash('sha256').update(data).digest('hex').slice(0, 16) };
}

const inside = (size: number) => ({ width: size, height: size, fit: 'inside' as const, withoutEnlargement: true });

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

/** The header of the file at `path`, checked: a format we accept, within the pixel limits. */
async function readAccepted(path: string, limits: DecodeLimits) {
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
  return { meta, format, animated, limit };
}

/** Decoding errors are the image's; system errors (disk full, too many open files) the server's. */
function damaged(err: unknown): never {
  if ((err as NodeJS.ErrnoException).code) throw err;
  throw new ImageRejected('The image is damaged or incomplete: it could not be decoded');
}

/**
 * Decodes the file at `path` to the display size, refusing truncated or disguised files (the
 * decoder runs to the end of the data with `failOn: 'error'`, also when libvips shrinks a JPEG on
 * load), and makes, upright and without any metadata: the display size, the grid thumbnails (1x,
 * 2x) and a ThumbHash, all from the one decode. The full-size copy for everyone but the owner is
 * not made here: see `makeCleanCopy`, called on its first request. `encoding` is awaited once the
 * decode is done and only pixels of the display size are held (decode-queue.ts `ToEncoding`).
 */
export async function processImage(path: string, limits: DecodeLimits, encoding?: ToEncoding): Promise<ProcessedImage> {
  const { meta, format, animated, limit } = await readAccepted(path, limits);
  try {
    const decoded = await decodeToDisplay(path, format, animated, limit);
    // A still image holds its display-size pixels alone now; an animation was encoded as it was decoded.
    if (!animated) await encoding?.();
    const { smaller, frames, heic } = decoded;
    const displaying = frames ? Promise.resolve(frames) : webp(smaller(), DISPLAY_QUALITY);
    // Grid tiles are small and many: a lower quality keeps a page of 48 under 2 MB. Effort 2
    // (of 0-6; 4 by default) halves their encoding time for about 4% more bytes, at the same quality.
    // The 2x tile is shown at twice the density, where artefacts are half as large: a lower quality.
    const tile = (size: number, quality: number) => webp(smaller().resize(inside(size)), quality, 2);
    // One after the other: made together, their resizes' threads took cores from the display's encode.
    const tiling = (async () => {
      const thumb2x = await tile(SIZES.thumb2x, 55);
      const thumb = await tile(SIZES.thumb, 70);
      return { thumb, thumb2x, placeholder: await thumbHash(thumb.data) };
    })();
    const [display, { thumb, thumb2x, placeholder }] = await Promise.all([displaying, tiling]);
    const upright = (meta.orientation ?? 1) >= 5;
    const height = animated ? (meta.pageHeight ?? meta.height) : meta.height;
    return {
      format,
      width: heic?.width ?? (upright ? height : meta.width),
      height: heic?.height ?? (upright ? meta.width : height),
      placeholder,
      thumb,
      thumb2x,
      display,
      details: readPhotoDetails(meta.exif),
      note: heic && heic.images > 1 ? `This HEIC holds ${heic.images} images (a burst or a moving photo): its primary image was kept.` : undefined,
    };
  } catch (err) {
    damaged(err);
  }
}

/**
 * The image at `path` decoded at the display size: an animation as its frames' WebP, a still
 * image as raw pixels (`smaller` makes every size from either). A HEIC's size and image count are
 * kept, not its full-size pixels: nothing of the decode outlives this but the display size.
 */
async function decodeToDisplay(path: string, format: ImageFormat, animated: boolean, limit: number) {
  // HEIC: decoded once by libheif (the prebuilt libvips cannot), which also applies its rotation.
  const decodedHeic = format === 'heic' ? await decodeHeic(path, limit) : undefined;
  const heic = decodedHeic && { width: decodedHeic.width, height: decodedHeic.height, images: decodedHeic.images };
  const source = decodedHeic ? fromPixels(decodedHeic) : sharp(path, { limitInputPixels: limit, failOn: 'error', animated }).rotate();
  // A resize straight from the file lets libvips shrink a large JPEG (or WebP) while decoding it.
  const sized = source.resize(inside(SIZES.display));
  // Animations keep their frames through WebP; a still image is decoded once, to raw pixels at
  // the display size, and every size is made from those.
  if (animated) {
    const frames = await webp(sized, DISPLAY_QUALITY);
    return { heic, frames, smaller: () => sharp(frames.data, { animated }) };
  }
  const { data, info } = await sized.raw().toBuffer({ resolveWithObject: true });
  return { heic, smaller: () => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }) };
}

// Above this, a JPEG's Huffman optimisation (which holds every coefficient of the image in memory)
// would take more than a decode's share: 24 MP is about 72 MB of coefficients.
const OPTIMISE_PIXELS = 24_000_000;
// The copy is never encoded at a higher quality than this, nor than a JPEG source had: above it,
// a re-encode only grows (a q92 copy of a q85 photo came out bigger than the photo).
const CLEAN_QUALITY = 85;

/** Re-encodes in the clean copy's format; sharp writes no metadata unless asked. */
async function encodeClean(image: Sharp, format: ImageFormat, meta: Metadata, path: string) {
  const optimiseCoding = meta.width * meta.height <= OPTIMISE_PIXELS;
  switch (format) {
    case 'jpeg': {
      const quality = Math.min(CLEAN_QUALITY, (await jpegQualityOf(path)) ?? CLEAN_QUALITY);
      return image.jpeg({ quality, optimiseCoding });
    }
    // Adaptive filtering: a smooth 16 MP gradient takes 70 KB instead of 450 KB. A palette PNG
    // stays one (lossless: it has at most 256 colours).
    case 'png': return image.png({ adaptiveFiltering: true, ...(meta.isPalette ? { palette: true, quality: 100, dither: 0 } : {}) });
    case 'webp': return image.webp({ quality: CLEAN_QUALITY });
    case 'gif': return image.gif();
    case 'avif': return image.avif({ quality: 70, effort: 0 });
    // Its copy for others is a JPEG: a transparent HEIC comes out on white.
    case 'heic': return image.flatten({ background: '#fff' }).jpeg({ quality: CLEAN_QUALITY, optimiseCoding });
  }
}

/** The quality of the JPEG at `path`, estimated from the tables in its first megabyte. */
async function jpegQualityOf(path: string) {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(1 << 20), position: 0 });
    return estimateJpegQuality(buffer.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

/**
 * Writes to `out` the full-size copy of the image at `path` that everyone but its owner gets:
 * upright, without any metadata, in `cleanFormat` of its format, at a quality no higher than the
 * source's (for a JPEG, as estimated from its tables). Returns its size in bytes.
 */
export async function makeCleanCopy(path: string, out: string, limits: DecodeLimits): Promise<number> {
  const { meta, format, animated, limit } = await readAccepted(path, limits);
  try {
    const heic = format === 'heic' ? await decodeHeic(path, limit) : undefined;
    const source = heic ? fromPixels(heic) : sharp(path, { limitInputPixels: limit, failOn: 'error', animated }).rotate();
    return (await (await encodeClean(source, format, meta, path)).toFile(out)).size;
  } catch (err) {
    damaged(err);
  }
}

/** A sharp pipeline over a decoded HEIC's pixels (without the alpha channel of an opaque one). */
function fromPixels(heic: DecodedHeic) {
  const image = sharp(heic.pixels, { raw: { width: heic.width, height: heic.height, channels: 4 } });
  return heic.alpha ? image : image.removeAlpha();
}
