import { z } from 'zod';
import { SORTS, type Scope, type Sort } from './lists.sql.ts';

/**
 * Which list an image page was opened from (`?in=gallery&q=…&sort=…`), so that it can offer the
 * previous and next image of that same list.
 */
export type ListContext = { in: string; q?: string; sort: Sort };

const contextSchema = z.object({
  in: z.string().regex(/^(gallery|dashboard|u\/[A-Za-z0-9_-]{3,32})$/),
  q: z.string().trim().max(100).optional().transform((v) => v || undefined),
  sort: z.enum(SORTS).catch('newest').default('newest'),
});

/** The context named by a query string, if any and valid. */
export function readContext(query: Record<string, string | undefined>): ListContext | undefined {
  const parsed = contextSchema.safeParse(query);
  return parsed.success ? parsed.data : undefined;
}

/** What `ctx.in` lists for this user; undefined when it is not theirs to see (someone's dashboard). */
export function scopeOf(ctx: ListContext, userId: string | undefined): Scope | undefined {
  if (ctx.in === 'gallery') return { public: true };
  if (ctx.in === 'dashboard') return userId ? { ownerId: userId } : undefined;
  return { username: ctx.in.slice(2) };
}

/** The query string that carries `ctx` on links. */
export function contextParams(ctx: ListContext) {
  const params = new URLSearchParams({ in: ctx.in });
  if (ctx.q) params.set('q', ctx.q);
  if (ctx.sort !== 'newest') params.set('sort', ctx.sort);
  return params.toString();
}
