import type { Context } from 'hono';

/** The origin absolute links are made of: PUBLIC_URL's when set, else the request's own. */
export const originOf = (c: Context, publicUrl?: URL) => publicUrl?.origin ?? new URL(c.req.url).origin;
