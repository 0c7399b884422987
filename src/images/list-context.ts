import { z } from 'zod';
import { SORTS, type Scope, type Sort } from './list.sql.ts';

/**
 * Which list an image page was opened from (`?in=gallery&q=…&sort=…`), so that it can offer the
 * previous and next image of that same list.
 */
export type ListContext = { in: string; q?: string; sort: Sort };

/** A list's search and sort, as every URL that carries them is read. */
export const searchFields = {
  q: z.string().trim().max(100).optional().transform((v) => v || undefined),
  sort: z.enum(SORTS).catch('newest').default('newest'),
};

const contextSchema = z.object({ in: z.string().regex(/^(gallery|dashboard|u\/[A-Za-z0-9_-]{3,32})$/), ...searchFields });

/** The context named by a query string, if any and valid. */
export function readContext(query: Record<string, string | undefined>): ListContext | undefined {
  const parsed = contextSchema.safeParse(query);
  return parsed.success ? parsed.data : undefined;
}

/** What `ctx.in` lists for this user; undefined when it is not theirs to see (someone's dashboard). */
export function scopeOfContext(ctx: ListContext, userId: string | undefined): Scope | undefined {
  if (ctx.in === 'gallery') return { public: true };
  if (ctx.in === 'dashboard') return userId ? { ownerId: userId } : undefined;
  return { username: ctx.in.slice(2) };
}

/**
 * The query string of a list's links: its search and sort (the default sort left out), and the
 * list an image page was opened from, or the cursor of the next (or previous) page.
 */
export function listParams(p: { in?: string; q?: string; sort: Sort; cursor?: string; before?: string }) {
  const params = new URLSearchParams();
  if (p.in) params.set('in', p.in);
  if (p.q) params.set('q', p.q);
  if (p.sort !== 'newest') params.set('sort', p.sort);
  if (p.cursor) params.set('cursor', p.cursor);
  if (p.before) params.set('before', p.before);
  return params.toString();
}
