import type { Sql } from '../db/client.ts';

export type SeedPlan = { owner: string; users: number; publicImages: number; ownerImages: number };

/**
 * Rows only (no objects), from bulk SQL: `publicImages` public images spread over `users` users,
 * and `ownerImages` private ones of `owner` uploaded in between; vacuumed and analyzed. Every
 * third image has a date taken, a year before its upload: `sort=taken` lists the undated ones
 * first, then these.
 */
export async function seedImages(sql: Sql, plan: SeedPlan) {
  await sql.begin(async (tx) => {
    await tx`
      insert into users (id, email, username, password_hash)
      select id, id || '@example.com', id, 'not a hash'
      from (select 'user-' || n as id from generate_series(1, ${plan.users}) n union all select ${plan.owner}) u`;
    // The images triggers update one row per image inserted: minutes for 100,000 rows, and a users
    // table bloated with dead versions. Off while loading; their lasting effect redone once after.
    await tx`alter table images disable trigger user`;
    // Every second second is a public image; the ones between are the owner's.
    const insert = (count: number, first: 1 | 2, owner: string | null) => tx`
      insert into images (id, user_id, filename, visibility, format, bytes, sha256, width, height, placeholder,
                          thumb_hash, thumb2x_hash, display_hash, clean_bytes, stored_bytes, created_at, taken_at)
      select 'img-' || s, coalesce(${owner}, 'user-' || (s % ${plan.users} + 1)), 'photo-' || s || '.jpg',
             ${owner ? 'private' : 'public'}, 'jpeg', 1000 + s, md5(s::text), 40, 30, 'placeholder',
             '0123456789abcdef', '0123456789abcdef', '0123456789abcdef', 900 + s, 1900 + 2 * s,
             now() - s * interval '1 second',
             case when s % 3 = 0 then now() - interval '1 year' - s * interval '1 second' end
      from generate_series(${first}, ${2 * count}, 2) s`;
    await insert(plan.publicImages, 1, null);
    await insert(plan.ownerImages, 2, plan.owner);
    await tx`alter table images enable trigger user`;
    await tx`update users u set used_bytes = (select coalesce(sum(stored_bytes), 0) from images i where i.user_id = u.id)`;
  });
  // What autovacuum would have done by now: statistics, hint bits, the old users rows pruned.
  await sql`vacuum analyze images, users`;
}

/**
 * An image row with no objects behind it (fine for lists, which read rows only): `p` names it
 * and its owner; the rest are small valid stand-ins.
 */
export function listedRow<P extends { id: string; user_id: string; visibility: string }>(p: P, bytes = 100) {
  return {
    filename: `${p.id}.jpg`,
    format: 'jpeg',
    width: 10,
    height: 10,
    bytes,
    sha256: p.id,
    placeholder: 'HvgBBYAH7FqVb4tImdp9MlagyF+k',
    thumb_hash: '0123456789abcdef',
    thumb2x_hash: '0123456789abcdef',
    display_hash: '0123456789abcdef',
    clean_bytes: 100,
    stored_bytes: 300,
    ...p,
  };
}
