import type { MiddlewareHandler } from 'hono';
import { Forbidden } from './errors.tsx';
import { originOf } from './origin.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses every state-changing request that does not come from our own origin, whatever its
 * Content-Type (hono/csrf only looks at form-like types, but JSON or bodiless requests change
 * state here too). Browsers send Origin on every non-GET request; when it is missing, the
 * Sec-Fetch-Site header decides, and a request with neither is refused.
 */
export function csrfGuard(publicUrl?: URL): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const origin = c.req.header('Origin');
    const allowed = origin ? origin === originOf(c, publicUrl) : c.req.header('Sec-Fetch-Site') === 'same-origin';
    if (!allowed) throw new Forbidden('This request came from another site, so it was refused.');
    return next();
  };
}
