// Keyset pagination makes page 1,001 cost what page 1 costs. Timings say so only on a quiet
// machine; the query plan says so everywhere: the same index walk, about the same buffers.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Sql } from '../db/client.ts';
import { openTestDatabase, type TestDatabase } from '../test-support/harness.ts';
import { seedImages } from '../test-support/seed.ts';
import { buffers, explainGeneric, explainPlan, nodes, planCounts, shape } from '../test-support/plans.ts';
import { listKeys, type Cursor, type Scope, type Sort } from '../images/list.sql.ts';
import { PAGE_SIZE } from './routes.tsx';

const OWNER = 'owner';
const DEEP_PAGE = 1_001;

let dir: string;
let db: TestDatabase;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-plan-'));
  db = await openTestDatabase(join(dir, 'pg'));
  // 1,000 people with 50 public images each beside the owner's 48,100: the statistics say a
  // person has about 100 images, so a plan made for any person (the generic one) must still suit
  // the owner's many. The bench's shape (bench/HISTORY.md, "One plan per list").
  await seedImages(db.sql, { owner: OWNER, users: 1_000, publicImages: 50_000, ownerImages: 48_100 });
});
after(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The plan the database ran for the app's own list query: planned for its values, as for the
 * first five runs of its prepared statement, or the generic plan (`generic`), which PostgreSQL
 * runs from then on when it looks no dearer (the gallery's does; the dashboard's, not so far).
 */
async function explain(sql: Sql, scope: Scope, sort: Sort, cursor?: Cursor, q?: string, generic = false) {
  const list = listKeys(sql, { scope, sort, cursor, q, limit: PAGE_SIZE });
  return generic ? explainGeneric(sql, list) : explainPlan(sql, list);
}

/** Where page `page` starts: the cursor of the last row of the page before it. */
async function cursorOf(sql: Sql, scope: Scope, sort: Sort, page: number): Promise<Cursor> {
  const rows = await listKeys(sql, { scope, sort, limit: (page - 1) * PAGE_SIZE });
  const last = rows[(page - 1) * PAGE_SIZE - 1]!;
  return { key: last.key!, id: last.id };
}


// The keyset indexes are partial (`where deleted_at is null`, sql/0010): the trash never sits
// in a list's index walk, and the lists' `deleted_at is null` lets the planner use them. Each
// sort has its own: upload time (sql/0010), and date taken or else upload time (sql/0012).
describe('a list page at depth', () => {
  const lists = [
    { name: 'gallery', sort: 'newest', scope: { public: true } as const, index: 'images_public_created_idx' },
    { name: 'dashboard', sort: 'newest', scope: { ownerId: OWNER }, index: 'images_user_created_idx' },
    { name: 'gallery', sort: 'taken', scope: { public: true } as const, index: 'images_public_taken_idx' },
    { name: 'dashboard', sort: 'taken', scope: { ownerId: OWNER }, index: 'images_user_taken_idx' },
  ] satisfies { name: string; sort: Sort; scope: Scope; index: string }[];
  for (const { name, sort, scope, index } of lists) {
    test(`${name}, sort=${sort}: page ${DEEP_PAGE} walks ${index} from the cursor and reads as many buffers as page 1`, async (t) => {
      const cursor = await cursorOf(db.sql, scope, sort, DEEP_PAGE);
      for (const generic of [false, true]) {
        const first = await explain(db.sql, scope, sort, undefined, undefined, generic);
        const deep = await explain(db.sql, scope, sort, cursor, undefined, generic);
        const summary = `${generic ? 'generic plan' : 'planned for its values'}: page 1: ${buffers(first)} buffers, page ${DEEP_PAGE}: ${buffers(deep)}`;
        t.diagnostic(summary);
        for (const plan of [first, deep]) {
          const all = nodes(plan);
          assert.ok(all.some((n) => n['Index Name'] === index), `${index} unused: ${shape(plan)}`);
          assert.ok(!all.some((n) => n['Node Type'].includes('Sort')), `sorts instead of walking an index: ${shape(plan)}`);
          const removed = Math.max(0, ...all.map((n) => n['Rows Removed by Filter'] ?? 0));
          assert.ok(removed < 1000, `filters out ${removed} rows: ${shape(plan)}`);
        }
        assert.ok(buffers(deep) <= 2 * buffers(first) + 20, summary);
      }
    });
  }

  // The seed dates every third image a year before any upload: sort=taken lists the undated
  // ones first, so the deep page above was read from among the dated ones.
  test(`sort=taken: page ${DEEP_PAGE} lists dated images, page 1 undated ones`, async () => {
    for (const scope of [{ public: true } as const, { ownerId: OWNER }]) {
      const cursor = await cursorOf(db.sql, scope, 'taken', DEEP_PAGE);
      const [first] = await listKeys(db.sql, { scope, sort: 'taken', limit: 1 });
      const [deep] = await listKeys(db.sql, { scope, sort: 'taken', cursor, limit: 1 });
      const takenAt = async (id: string) => ((await db.sql`select taken_at from images where id = ${id}`)[0]!.taken_at as Date | null);
      assert.equal(await takenAt(first!.id), null);
      assert.ok(await takenAt(deep!.id));
    }
  });
});

describe('a list page searching by words', () => {
  const lists = [
    { name: 'gallery', scope: { public: true } as const },
    { name: 'dashboard', scope: { ownerId: OWNER } },
  ];
  for (const { name, scope } of lists) {
    test(`${name}: a search for rare words reads the GIN index, not the whole list`, async (t) => {
      // photo-12345.jpg and the few whose number begins with 12345 (123450..123459): public ones
      // are odd, the owner's even.
      const plan = await explain(db.sql, scope, 'newest', undefined, 'photo 12345');
      t.diagnostic(shape(plan));
      assert.ok(nodes(plan).some((n) => n['Index Name'] === 'images_search_idx'), `images_search_idx unused: ${shape(plan)}`);
      const removed = Math.max(0, ...nodes(plan).map((n) => n['Rows Removed by Filter'] ?? 0));
      assert.ok(removed < 1000, `filters out ${removed} rows: ${shape(plan)}`);
    });
  }
});

// The cursor reaches the query at run time (atRunTime): seen by the planner, it had every deep
// page of the gallery planned for its values, each time (0 generic plans in 1,299 runs), and a
// deep page cost a third more than page 1 (bench/HISTORY.md, "Owners' names fixed").
test('one plan serves the gallery\'s pages after a cursor, wherever it points, after the first five runs', async () => {
  const rows = await listKeys(db.sql, { scope: { public: true }, sort: 'newest', limit: 20_000 });
  const cursors = Array.from({ length: 20 }, (_, n) => rows[n * 1_000 + 9]!).map((r) => ({ key: r.key!, id: r.id }));
  // A statement of its own (pages of 10: limit 11), first prepared here.
  const plans = await planCounts(db.sql, ['limit 11', 'i.id) <'], async (one) => {
    for (const cursor of cursors) await listKeys(one, { scope: { public: true }, sort: 'newest', cursor, limit: 10 });
  });
  assert.deepEqual(plans, { generic: 15, custom: 5 });
});
