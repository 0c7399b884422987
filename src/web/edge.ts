import type { MiddlewareHandler } from 'hono';
import { BadRequest, Timeout } from './errors.tsx';

// PostgreSQL text cannot hold NUL (error 22021): refused here, once, rather than in every schema.
const ENCODED_NUL = /%00/i;

/** 400 for a NUL character anywhere in the URL (path or query). */
export const refuseNulInUrl: MiddlewareHandler = async (c, next) => {
  if (ENCODED_NUL.test(c.req.url)) throw new BadRequest('The address contains a character that is not allowed.');
  return next();
};

/**
 * Reads a small request body whole before any handler runs: at most `maxBytes` (counted as they
 * arrive, whatever Content-Length claims) within `deadlineMs`. A client that announces a body and
 * then sends nothing is answered 408 and its connection closed, instead of holding a socket until
 * the server's request timeout. Form bodies with a NUL character are refused like URLs.
 */
export function readSmallBody(opts: { maxBytes: number; deadlineMs: number }): MiddlewareHandler {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const tooLarge = new BadRequest('The form is too large.');
    if (Number(c.req.header('Content-Length') ?? 0) > opts.maxBytes) throw tooLarge;
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), opts.deadlineMs)));
    try {
      for (;;) {
        const step = await Promise.race([reader.read(), late]);
        if (step === 'late') throw new Timeout('The request took too long to arrive.');
        if (step.done) break;
        size += step.value.length;
        if (size > opts.maxBytes) throw tooLarge;
        chunks.push(step.value);
      }
    } finally {
      clearTimeout(timer);
      reader.cancel().catch(() => {});
    }
    const bytes = Buffer.concat(chunks);
    if (bytes.includes(0) || ENCODED_NUL.test(bytes.toString('latin1'))) {
      throw new BadRequest('The form contains a character that is not allowed.');
    }
    // Handlers and validators read the body through Hono's cache: they get these bytes.
    (c.req.bodyCache as Record<string, Promise<unknown>>).arrayBuffer = Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    return next();
  };
}
