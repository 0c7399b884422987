import type { Sql } from '../db/client.ts';
import { InTrash, NotFound } from '../web/errors.tsx';
import { countTrash } from './trash.sql.ts';

/**
 * The refusal for the user's `ids` that are not all their live images (`live` of them are):
 * InTrash when the rest are in their trash (moved there in another tab), else NotFound, as for
 * another person's image.
 */
export async function missingImages(sql: Sql, userId: string, ids: string[], live = 0) {
  const trashed = await countTrash(sql, userId, ids);
  return trashed > 0 && live + trashed === new Set(ids).size ? new InTrash(trashed) : new NotFound();
}
