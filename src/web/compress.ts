import { Duplex } from 'node:stream';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

export type Encoding = 'br' | 'gzip';

/**
 * The encoding to answer `Accept-Encoding` with: br when allowed, else gzip, else none. Order
 * of preference is ours, not the client's q-values (every browser sends both at q=1); q=0, or
 * `*;q=0` without the name, refuses one.
 */
export function pickEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const q = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    const weight = params.find((p) => p.startsWith('q='));
    if (name) q.set(name, weight ? Number(weight.slice(2)) || 0 : 1);
  }
  const allowed = (name: string) => (q.get(name) ?? q.get('*') ?? 0) > 0;
  if (allowed('br')) return 'br';
  if (allowed('gzip') || allowed('x-gzip')) return 'gzip';
  return undefined;
}

// Text worth compressing. Images never: every format we store is compressed already, and our
// own SVGs are compressed ahead of time by the static routes.
const COMPRESSIBLE = /^(text\/(html|css|javascript|plain)|application\/(json|javascript|manifest\+json))\b/i;
const NO_TRANSFORM = /(^|,)\s*no-transform\s*(,|$)/i;
const SMALL = 1024;

/** Adds Accept-Encoding to Vary, once: the body depends on it whether or not we encode. */
export function varyOnEncoding(headers: Headers) {
  const vary = headers.get('Vary');
  if (vary === '*' || /(^|,)\s*accept-encoding\s*(,|$)/i.test(vary ?? '')) return;
  headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
}

/**
 * Compresses dynamic responses (pages, fragments, JSON) with br or gzip, as the client allows.
 * The encoder flushes after every chunk the handler writes, so a streamed response (upload
 * results, one file at a time) still reaches the browser piece by piece; a page rendered as one
 * string is one chunk, so that costs nothing. Brotli at quality 5: most of its gain over gzip at
 * a gzip-like cost per response. Mount it first, so it sees every header the others set.
 */
export function compressResponses(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('Content-Type') ?? '';
    if (!COMPRESSIBLE.test(type) || c.req.method === 'HEAD' || res.status === 204 || res.status === 206 || res.status === 304) return;
    if (res.headers.has('Content-Encoding') || res.headers.has('Content-Range')) return;
    if (NO_TRANSFORM.test(res.headers.get('Cache-Control') ?? '')) return;
    varyOnEncoding(res.headers);
    const length = res.headers.get('Content-Length');
    const encoding = pickEncoding(c.req.header('Accept-Encoding'));
    if (!encoding || (length !== null && Number(length) < SMALL)) return;
    // Only now is the body looked at: reading `res.body` turns the server's plain string into a
    // stream (the whole page copied, then written chunk by chunk), which an answer sent as it is
    // has no need of.
    if (!res.body) return;
    const headers = new Headers(res.headers);
    headers.delete('Content-Length');
    headers.set('Content-Encoding', encoding);
    // The bytes differ from the unencoded ones: a strong validator would now be a lie.
    const etag = headers.get('ETag');
    if (etag && !etag.startsWith('W/')) headers.set('ETag', `W/${etag}`);
    // Replaced outright rather than through `c.res =`, which would merge the old headers back in.
    c.res = undefined;
    c.res = new Response(res.body.pipeThrough(encoder(encoding)), { status: res.status, statusText: res.statusText, headers });
  };
}

function encoder(encoding: Encoding) {
  const stream = encoding === 'br'
    ? createBrotliCompress({
      flush: constants.BROTLI_OPERATION_FLUSH,
      params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
    })
    : createGzip({ flush: constants.Z_SYNC_FLUSH });
  return Duplex.toWeb(stream) as unknown as TransformStream<Uint8Array, Uint8Array>;
}
