import { z } from 'zod';
import type { Cursor } from '../images/images.sql.ts';

/** The next-page cursor: the last row's exact timestamp (microseconds, as PostgreSQL prints it) and id. */
export function encodeCursor(row: { ts: string; id: string }) {
  return Buffer.from(`${row.ts}|${row.id}`).toString('base64url');
}

export const cursorQuery = z.object({
  cursor: z
    .string()
    .max(200)
    .optional()
    .transform((v, ctx): Cursor | undefined => {
      if (!v) return undefined;
      const [ts, id, extra] = Buffer.from(v, 'base64url').toString().split('|');
      if (extra !== undefined || !ts || !id || Number.isNaN(Date.parse(ts.replace(' ', 'T'))) || !/^[\w-]{1,64}$/.test(id)) {
        ctx.addIssue({ code: 'custom', message: 'Invalid page link' });
        return z.NEVER;
      }
      return { ts, id };
    }),
});

/** Splits the `limit + 1` rows of a list query into this page and the next page's cursor. */
export function paginate<T extends { ts: string; id: string }>(rows: T[], limit: number) {
  const page = rows.slice(0, limit);
  return { page, next: rows.length > limit ? encodeCursor(page[page.length - 1]!) : undefined };
}
