import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { createToken } from '../../src/api/tokens.sql.ts';
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

/** `count` new users `${prefix}0`, `${prefix}1`..., each with a write token for the API; the tokens, in order. */
export async function seedTokenUsers(sql: Sql, prefix: string, count: number) {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${prefix}${i}`;
    await sql`insert into users (id, email, username, password_hash) values (${id}, ${`${id}@example.com`}, ${id}, 'not a hash')`;
    tokens.push((await createToken(sql, { userId: id, name: 'bench', scope: 'write' })).token);
  }
  return tokens;
}

/** Deletes the objects of every image in the (bench's own) database: for a bucket that outlives the bench. */
export async function removeObjects({ sql, storage }: { sql: Sql; storage: Storage }) {
  const images = await sql<KeyParts[]>`select ${sql(KEY_COLUMNS)} from images`;
  const keys = images.flatMap(allKeys);
  for (let i = 0; i < keys.length; i += 1000) await storage.deleteMany(keys.slice(i, i + 1000));
}

/**
 * A public album `id` of OWNER holding every image of OWNER (the `ownerImages` of `seed`),
 * positions 1..N newest first; returns how many it holds. Filled while private: each new member
 * of a public album bumps public_version (sql/0011), which would be one row update per member.
 */
export async function seedAlbum(sql: Sql, id: string) {
  await sql`insert into albums (id, user_id, title, visibility) values (${id}, ${OWNER}, 'Everything', 'private')`;
  const [row] = await sql<{ n: number }[]>`
    with added as (
      insert into album_images (album_id, image_id, position, created_at)
      select ${id}, id, (row_number() over (order by created_at desc, id desc))::int, created_at
      from images where user_id = ${OWNER}
      returning 1)
    select count(*)::int as n from added`;
  await sql`update albums set visibility = 'public' where id = ${id}`;
  await sql`analyze albums, album_images`;
  return row!.n;
}

export const ZIP_OWNER = 'bench-zipper';

/**
 * A public album `id` of ZIP_OWNER with `count` images of `bytes` bytes each, their objects
 * really stored: a visitor's zip holds the metadata-free copy of each (`clean.jpeg`), so only
 * that object is written, random bytes (stored in the zip as they are), each copy distinct.
 * The images are private and older than every other, so no list of the bench shows them.
 */
export async function seedZipAlbum({ sql, storage }: { sql: Sql; storage: Storage }, id: string, count: number, bytes: number) {
  await sql`insert into users (id, email, username, password_hash) values (${ZIP_OWNER}, ${`${ZIP_OWNER}@example.com`}, ${ZIP_OWNER}, 'not a hash')`;
  const parts = { format: 'jpeg', thumb_hash: '2100000000000001', thumb2x_hash: '2100000000000002', display_hash: '2100000000000003' } as const;
  const rows = await sql<{ id: string }[]>`
    insert into images (id, user_id, filename, visibility, format, bytes, sha256, width, height, placeholder,
                        thumb_hash, thumb2x_hash, display_hash, clean_bytes, stored_bytes, created_at)
    select 'zip-' || n, ${ZIP_OWNER}, 'zip-' || n || '.jpg', 'private', ${parts.format}, ${bytes}, md5('zip' || n), 4000, 3000, '',
           ${parts.thumb_hash}, ${parts.thumb2x_hash}, ${parts.display_hash}, ${bytes}, ${2 * bytes},
           now() - interval '3 years' - n * interval '1 second'
    from generate_series(1, ${count}::int) n
    order by n
    returning id`;
  await sql`insert into albums (id, user_id, title, visibility) values (${id}, ${ZIP_OWNER}, 'Zip', 'private')`;
  await sql`
    insert into album_images (album_id, image_id, position, created_at)
    select ${id}, i.id, n, i.created_at from generate_series(1, ${count}::int) n join images i on i.id = 'zip-' || n`;
  await sql`update albums set visibility = 'public' where id = ${id}`;

  const body = randomBytes(bytes);
  for (const [i, { id: imageId }] of rows.entries()) {
    body.writeUInt32BE(i, 0); // every object distinct
    await storage.put(objectKeys({ id: imageId, ...parts }).clean, body, 'image/jpeg');
  }
  return rows.length;
}
