import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { Storage, ByteRange } from '../storage/storage.ts';
import type { ImageFormat } from './pipeline.ts';
import { NotFound } from '../web/errors.tsx';

// Image bytes are never rendered as a document, whatever a browser would sniff.
export const IMAGE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
};

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` within `size`; null for anything else (served whole). */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  const m = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

type ServeOptions = {
  key: string;
  /** Known for originals; derivatives are sent without a length. */
  size?: number;
  contentType: string;
  etag: string;
  cacheControl: string;
  disposition?: string;
  ranges?: boolean;
  /** Redirect to a short-lived presigned URL instead of streaming (S3 with S3_PRESIGN=1). */
  presign?: boolean;
  /** Pages of other origins may show it (`Cross-Origin-Resource-Policy: cross-origin`); else only ours. */
  crossOrigin?: boolean;
  /** Request headers the answer also depends on, besides the cookie. */
  vary?: string;
};

const PRESIGN_SECONDS = 300;

/** Streams one stored object with caching, conditional and (optionally) range handling. */
export async function serveObject(c: Context, storage: Storage, o: ServeOptions) {
  const headers: Record<string, string> = {
    ...IMAGE_HEADERS,
    'Content-Type': o.contentType,
    'Cache-Control': o.cacheControl,
    ETag: o.etag,
    Vary: o.vary ? `Cookie, ${o.vary}` : 'Cookie',
    'Cross-Origin-Resource-Policy': o.crossOrigin ? 'cross-origin' : 'same-origin',
  };
  if (o.disposition) headers['Content-Disposition'] = o.disposition;
  if (o.ranges) headers['Accept-Ranges'] = 'bytes';
  const inm = c.req.header('If-None-Match');
  if (inm && inm.split(',').some((t) => t.trim() === o.etag || t.trim() === '*')) {
    return c.body(null, 304, headers);
  }
  if (o.presign && storage.presign) {
    const url = await storage.presign(o.key, {
      expiresIn: PRESIGN_SECONDS,
      contentType: o.contentType,
      disposition: o.disposition,
      cacheControl: o.cacheControl,
    });
    // The redirect was decided by this user's access: never cache it anywhere. Browsers check
    // Cross-Origin-Resource-Policy on a redirect too.
    return c.body(null, 302, {
      Location: url, 'Cache-Control': 'private, no-store', Vary: headers.Vary!,
      'Cross-Origin-Resource-Policy': headers['Cross-Origin-Resource-Policy']!,
    });
  }
  const range = o.ranges && o.size !== undefined ? parseRange(c.req.header('Range'), o.size) : null;
  if (range === 'unsatisfiable') {
    return c.body(null, 416, { ...headers, 'Content-Range': `bytes */${o.size}` });
  }
  const stream = await storage.get(o.key, range ?? undefined);
  if (!stream) throw new NotFound();
  const body = Readable.toWeb(stream) as ReadableStream;
  if (range) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${o.size}`;
    headers['Content-Length'] = String(range.end - range.start + 1);
    return c.body(body, 206, headers);
  }
  if (o.size !== undefined) headers['Content-Length'] = String(o.size);
  return c.body(body, 200, headers);
}

const EXTENSIONS: Record<ImageFormat, string[]> = {
  jpeg: ['jpg', 'jpeg'],
  png: ['png'],
  webp: ['webp'],
  gif: ['gif'],
  avif: ['avif'],
  heic: ['heic', 'heif'],
};

/**
 * The name a download is saved under: the user's filename, with the extension of the format the
 * bytes really are (a PNG named `invoice.html` is saved as `invoice.png`, never as a page).
 */
export function downloadName(filename: string, format: ImageFormat) {
  const dot = filename.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [filename.slice(0, dot), filename.slice(dot + 1).toLowerCase()] : [filename, ''];
  return EXTENSIONS[format].includes(ext) ? filename : `${stem}.${EXTENSIONS[format][0]}`;
}

/** `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
export function attachment(filename: string) {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
