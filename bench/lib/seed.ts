import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { hashPassword } from '../../src/auth/password.ts';
import type { Sql } from '../../src/db/client.ts';
import { allKeys, objectKeys, type KeyParts, KEY_COLUMNS } from '../../src/images/keys.ts';
import type { Storage } from '../../src/storage/storage.ts';

export const PASSWORD = 'benchmark passphrase';
export const OWNER = 'bench-owner';

export type SeedPlan = { users: number; publicImages: number; ownerImages: number };

/**
 * Fills the app's database and storage before the app starts: `publicImages` public images
 * spread over `users` users, and `ownerImages` private ones of OWNER. Rows come from bulk SQL;
 * every image gets tiny thumbnail objects.
 */
export async function seed({ sql, storage }: { sql: Sql; storage: Storage }, plan: SeedPlan) {
  const hash = await hashPassword(PASSWORD);
  await sql`
    insert into users (id, email, username, password_hash, created_at)
    select 'seed-user-' || n, 'seed' || n || '@example.com', 'seed' || n, ${hash}, now() - interval '2 years'
    from generate_series(1, ${plan.users}) n`;
  await sql`insert into users (id, email, username, password_hash) values (${OWNER}, ${`${OWNER}@example.com`}, ${OWNER}, ${hash})`;

  const tiny = sharp({ create: { width: 4, height: 3, channels: 4, background: '#7a8c' } });
  const thumb = await tiny.clone().webp().toBuffer();
  const placeholder = Buffer.from(rgbaToThumbHash(4, 3, await tiny.clone().raw().toBuffer())).toString('base64');
  const parts = { format: 'jpeg', placeholder, thumb_hash: '5eed000000000001', thumb2x_hash: '5eed000000000002', display_hash: '5eed000000000003' } as const;
  // Newest first is the default order: seeded images predate whatever the bench uploads later.
  const insert = (from: number, to: number, owner: string | null, visibility: string) => sql<{ id: string }[]>`
    insert into images (id, user_id, filename, visibility, format, bytes, sha256, width, height, placeholder,
                        thumb_hash, thumb2x_hash, display_hash, clean_bytes, stored_bytes, created_at)
    select 'seed-' || n, coalesce(${owner}, 'seed-user-' || (n % ${plan.users} + 1)), 'photo-' || n || '.jpg',
           ${visibility}, ${parts.format}, 3000000 + n, md5(n::text), 4000, 3000, ${parts.placeholder},
           ${parts.thumb_hash}, ${parts.thumb2x_hash}, ${parts.display_hash}, 2900000 + n, 6000000 + 2 * n,
           now() - interval '1 day' - n * interval '1 second'
    from generate_series(${from}::int, ${to}::int) n
    returning id`;
  const rows = [
    ...(await insert(1, plan.publicImages, null, 'public')),
    ...(await insert(plan.publicImages + 1, plan.publicImages + plan.ownerImages, OWNER, 'private')),
  ];
  await sql`analyze`;

  // Tiny objects, written as the app stores them, many at a time.
  const keys = rows.flatMap(({ id }) => { const k = objectKeys({ id, ...parts }); return [k.thumb, k.thumb2x]; });
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < keys.length) await storage.put(keys[next++]!, thumb, 'image/webp');
  }));
}

/** Deletes the objects of every image in the (bench's own) database: for a bucket that outlives the bench. */
export async function removeObjects({ sql, storage }: { sql: Sql; storage: Storage }) {
  const images = await sql<KeyParts[]>`select ${sql(KEY_COLUMNS)} from images`;
  const keys = images.flatMap(allKeys);
  for (let i = 0; i < keys.length; i += 1000) await storage.deleteMany(keys.slice(i, i + 1000));
}
