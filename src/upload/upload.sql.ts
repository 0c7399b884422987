import type { Sql } from '../db/client.ts';
import type { ImageRow } from '../images/images.sql.ts';

/** What a result needs to show an image's thumbnail. */
export type ResultThumb = Pick<ImageRow, 'id' | 'thumb_hash' | 'thumb2x_hash' | 'epoch' | 'placeholder' | 'width' | 'height'>;

/**
 * The thumbnails of the images an upload stored or found already there, by id: the stored ones
 * and the earlier copies of duplicates alike, in one query.
 */
export async function findThumbs(sql: Sql, userId: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, ResultThumb>();
  const rows = await sql<ResultThumb[]>`
    select id, thumb_hash, thumb2x_hash, epoch, placeholder, width, height
    from images where user_id = ${userId} and id in ${sql([...new Set(ids)])}`;
  return new Map(rows.map((r) => [r.id, r]));
}
