// An album's pages cost the same at any depth and whatever its size: the query plan says so
// (timings would only on a quiet machine). Each order walks an index of the album's own members.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../test-support/harness.ts';
import { seedImages } from '../test-support/seed.ts';
import { buffers, nodes, shape, type PlanNode } from '../test-support/plans.ts';
import type { Cursor } from '../images/list.sql.ts';
import { albumImages, albumKey, type AlbumSort } from './albums.sql.ts';
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
  await db.sql`insert into albums (id, user_id, title) values (${ALBUM}, ${OWNER}, 'All of them')`;
  await db.sql`insert into album_images (album_id, image_id, position, created_at)
    select ${ALBUM}, id, row_number() over (order by id), created_at from images where user_id = ${OWNER}`;
  await db.sql`vacuum analyze album_images, albums`;
});
after(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

async function explain(sort: AlbumSort, cursor?: Cursor) {
  const [row] = await db.sql`explain (analyze, buffers, format json) ${albumImages(db.sql, { id: ALBUM, sort, cursor, limit: ALBUM_PAGE_SIZE })}`;
  return (row!['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan;
}

describe('albumImages at depth', () => {
  for (const [sort, index] of [['newest', 'album_images_created_idx'], ['oldest', 'album_images_created_idx'], ['manual', 'album_images_position_idx']] as const) {
    test(`${sort}: page ${DEEP_PAGE} walks ${index} from the cursor and reads as many buffers as page 1`, async (t) => {
      const rows = await albumImages(db.sql, { id: ALBUM, sort, limit: (DEEP_PAGE - 1) * ALBUM_PAGE_SIZE });
      const last = rows[(DEEP_PAGE - 1) * ALBUM_PAGE_SIZE - 1]!;
      const [first, deep] = [await explain(sort), await explain(sort, { key: albumKey(sort, last), id: last.id })];
      const summary = `page 1: ${buffers(first)} buffers, page ${DEEP_PAGE}: ${buffers(deep)}`;
      t.diagnostic(summary);
      for (const plan of [first, deep]) {
        assert.ok(nodes(plan).some((n) => n['Index Name'] === index), `${index} unused: ${shape(plan)}`);
        assert.ok(!nodes(plan).some((n) => n['Node Type'].includes('Sort')), `sorts the album instead of walking an index: ${shape(plan)}`);
      }
      // Page 1 reads a few hundred buffers; sorting 20,000 members would read thousands.
      assert.ok(buffers(first) < 1000, summary);
      assert.ok(buffers(deep) <= 2 * buffers(first) + 20, summary);
    });
  }
});
