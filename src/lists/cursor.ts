import { z } from 'zod';
import type { Cursor } from '../images/images.sql.ts';

/** The next-page cursor: the last row's exact timestamp (microseconds, as PostgreSQL prints it) and id. */
export function encodeCursor(row: { ts: string; id: string }) {
  return Buffer.from(`${row.ts}|${row.id}`).toString('base64url');
}

// timestamptz as PostgreSQL prints it: 2026-11-24 07:05:09.123456+00
const PG_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d){0,2}$/;

export const cursorQuery = z.object({
  cursor: z
    .string()
    .max(200)
    .optional()
    .transform((v, ctx): Cursor | undefined => {
      if (!v) return undefined;
      const [ts, id, extra] = Buffer.from(v, 'base64url').toString().split('|');
      if (extra !== undefined || !ts || !id || !PG_TIMESTAMP.test(ts) || !/^[\w-]{1,64}$/.test(id)) {
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
