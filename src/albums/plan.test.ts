// An album's pages cost the same at any depth and whatever its size: the query plan says so
// (timings would only on a quiet machine). Each order walks an index of the album's own members.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../test-support/harness.ts';
import { seedImages } from '../test-support/seed.ts';
import { buffers, explainGeneric, explainPlan, nodes, planCounts, shape } from '../test-support/plans.ts';
import type { Cursor } from '../images/list.sql.ts';
import { albumImages, albumKey, albumKeys, type AlbumSort } from './albums.sql.ts';
import { ALBUM_PAGE_SIZE } from './routes.tsx';

const OWNER = 'owner';
const ALBUM = 'album';
const DEEP_PAGE = 401;

let dir: string;
let db: TestDatabase;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-album-plan-'));
  db = await openTestDatabase(join(dir, 'pg'));
  // 40,000 images of others around the owner's 20,000, all of the owner's in one album.
  await seedImages(db.sql, { owner: OWNER, users: 50, publicImages: 40_000, ownerImages: 20_000 });
  await db.sql.begin(async (tx) => {
    // The count trigger updates the album's row once per member: 20,000 versions of one row, which
    // take minutes to write. Off while loading; the counts set once after.
    await tx`alter table album_images disable trigger user`;
    await tx`insert into albums (id, user_id, title) values (${ALBUM}, ${OWNER}, 'All of them')`;
    await tx`insert into album_images (album_id, image_id, position, created_at)
      select ${ALBUM}, id, row_number() over (order by id), created_at from images where user_id = ${OWNER}`;
    // And 2,000 albums of 5 of the others' images: one plan must serve both kinds (atRunTime),
    // though the statistics say an album holds 15 images on average.
    await tx`insert into albums (id, user_id, title) select 'few-' || n, 'user-' || (n % 50 + 1), 'A few' from generate_series(1, 2000) n`;
    await tx`insert into album_images (album_id, image_id, position, created_at)
      select 'few-' || n, i.id, k, i.created_at from generate_series(1, 2000) n cross join generate_series(1, 5) k
      join images i on i.id = 'img-' || (2 * ((n * 5 + k) % 40000) + 1)`;
    await tx`alter table album_images enable trigger user`;
    await tx`update albums a set image_count = (select count(*) from album_images m where m.album_id = a.id)`;
  });
  await db.sql`vacuum analyze album_images, albums`;
});
after(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The plan of a page's query (its images' keys; the API reads the same rows with more columns):
 * planned for its values (the first five runs), or the generic plan that runs after.
 */
function explain(sort: AlbumSort, cursor: Cursor | undefined, generic: boolean) {
  const page = albumKeys(db.sql, { id: ALBUM, sort, cursor, limit: ALBUM_PAGE_SIZE });
  return generic ? explainGeneric(db.sql, page) : explainPlan(db.sql, page);
}

describe('an album page at depth', () => {
  for (const [sort, index] of [['newest', 'album_images_created_idx'], ['oldest', 'album_images_created_idx'], ['manual', 'album_images_position_idx']] as const) {
    test(`${sort}: page ${DEEP_PAGE} walks ${index} from the cursor and reads as many buffers as page 1`, async (t) => {
      const rows = await albumImages(db.sql, { id: ALBUM, sort, limit: (DEEP_PAGE - 1) * ALBUM_PAGE_SIZE });
      const last = rows[(DEEP_PAGE - 1) * ALBUM_PAGE_SIZE - 1]!;
      for (const generic of [false, true]) {
        const [first, deep] = [await explain(sort, undefined, generic), await explain(sort, { key: albumKey(sort, last), id: last.id }, generic)];
        const summary = `${generic ? 'generic plan' : 'planned for its values'}: page 1: ${buffers(first)} buffers, page ${DEEP_PAGE}: ${buffers(deep)}`;
        t.diagnostic(summary);
        for (const plan of [first, deep]) {
          assert.ok(nodes(plan).some((n) => n['Index Name'] === index), `${index} unused: ${shape(plan)}`);
          assert.ok(!nodes(plan).some((n) => n['Node Type'].includes('Sort')), `sorts the album instead of walking an index: ${shape(plan)}`);
        }
        // Page 1 reads a few hundred buffers; sorting 20,000 members would read thousands.
        assert.ok(buffers(first) < 1000, summary);
        assert.ok(buffers(deep) <= 2 * buffers(first) + 20, summary);
      }
    });
  }
});

// Planned again for each run, the album page's query cost more to plan than to run: the album
// and the page's length now reach it so that one plan serves every album (atRunTime, count).
test('one plan serves every album page after the first five runs', async () => {
  // A statement of its own (pages of 10: limit 11), first prepared here: 20,000 images, then 5.
  const plans = await planCounts(db.sql, ['limit 11'], async (one) => {
    for (let i = 0; i < 10; i++) for (const id of [ALBUM, 'few-1']) await albumKeys(one, { id, sort: 'newest', limit: 10 });
  });
  assert.deepEqual(plans, { generic: 15, custom: 5 });
});
