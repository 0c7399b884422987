// A search costs what its matches cost, not what the library holds: the same search, with the
// same matches, in a library of 1,000 images and then of 41,000, reads the GIN index of words
// (sql/0010, kept free of a pending list by sql/0017) and about the same buffers, on its first
// page and the next, in every order (list.sql.ts: the matches are read before they are sorted),
// and with many more people on the instance (a page's keys read no owners: their names come with
// the rows kept, images/rows.ts); and one prepared plan serves every search.
// So does the image page's previous / next at either end of the matches, where a walk of the list
// would pass every image beyond them.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PendingQuery, Row } from 'postgres';
import type { Sql } from '../db/client.ts';
import { openTestDatabase, type TestDatabase } from '../test-support/harness.ts';
import { buffers, explainGeneric, explainPlan, nodes, planCounts, shape, type PlanNode } from '../test-support/plans.ts';
import { beside, listKeys, readListed, type Cursor, type Scope, type Sort } from '../images/list.sql.ts';
import { encodeCursor } from '../images/cursor.ts';
import { PAGE_SIZE } from './routes.tsx';

const OWNER = 'owner';
const SMALL = 1_000;
const LARGE = 41_000;
/** People who join the instance with the large library's images (none of them has a match). */
const MORE_PEOPLE = 20_000;
/** In the small library every tenth image (half public, half the owner's) is a lighthouse. */
const MATCHES = SMALL / 10;

let dir: string;
let db: TestDatabase;

/**
 * Images `from`..`to` (n), newer as n grows: odd ones public (of 20 users), even ones the
 * owner's private ones. `lighthouse` names every tenth of them when `matching`, none otherwise;
 * every image is a `photo`. Inserted as uploads are, one statement, without vacuuming after:
 * whatever a search would meet in a live library (a GIN index's pending list) it meets here.
 */
async function addImages(sql: Sql, from: number, to: number, matching: boolean) {
  await sql.begin(async (tx) => {
    // Triggers off while loading: they would only bump public_version once per image.
    await tx`alter table images disable trigger user`;
    await tx`
      insert into images (id, user_id, filename, title, visibility, format, bytes, sha256, width, height, placeholder,
                          thumb_hash, thumb2x_hash, display_hash, clean_bytes, stored_bytes, created_at, taken_at)
      select 'img-' || n, case when n % 2 = 1 then 'user-' || (n % 20 + 1) else ${OWNER} end, 'photo-' || n || '.jpg',
             case when ${matching} and n % 10 < 2 then 'Lighthouse at dusk ' || n else 'Harbour wall ' || n end,
             case when n % 2 = 1 then 'public' else 'private' end, 'jpeg', 1000 + (n * 7919) % 100000, md5(n::text), 40, 30, 'p',
             '0123456789abcdef', '0123456789abcdef', '0123456789abcdef', 900, 1900,
             timestamptz '2026-01-01' + n * interval '1 minute',
             case when n % 3 = 0 then timestamptz '2020-01-01' + n * interval '1 minute' end
      from generate_series(${from}::int, ${to}::int) n`;
    await tx`alter table images enable trigger user`;
  });
  await sql`analyze images`;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-search-plan-'));
  db = await openTestDatabase(join(dir, 'pg'));
  await db.sql`
    insert into users (id, email, username, password_hash)
    select id, id || '@example.com', id, 'not a hash'
    from (select 'user-' || n as id from generate_series(1, 20) n union all select ${OWNER}) u`;
  await addImages(db.sql, 1, SMALL, true);
});
after(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The plans of one of the app's own queries: made for its values (its first five runs), and the generic one (every run after). */
type Plans = { 'planned for its values': PlanNode; 'generic plan': PlanNode };
async function plansOf<T extends readonly Row[]>(query: () => PendingQuery<T>): Promise<Plans> {
  return { 'planned for its values': await explainPlan(db.sql, query()), 'generic plan': await explainGeneric(db.sql, query()) };
}
// A page's query: its images' keys (the API's lists read the same rows with more columns).
const explain = (scope: Scope, sort: Sort, q: string, cursor?: Cursor) => plansOf(() => listKeys(db.sql, { scope, sort, cursor, q, limit: PAGE_SIZE }));

/** The second page's cursor, as the first page's "next" link carries it. */
async function secondPage(scope: Scope, sort: Sort, q: string): Promise<Cursor> {
  const rows = await listKeys(db.sql, { scope, sort, q, limit: PAGE_SIZE });
  assert.equal(rows.length, PAGE_SIZE + 1, 'the search has a second page');
  const [key, id] = Buffer.from(encodeCursor(rows[PAGE_SIZE - 1]!), 'base64url').toString().split('|');
  return { key: key!, id: id! };
}

const scopes = [
  { name: 'gallery', scope: { public: true } as Scope },
  { name: 'dashboard', scope: { ownerId: OWNER } as Scope },
];
const sorts: Sort[] = ['newest', 'oldest', 'largest', 'taken'];

/** What each search read in the small library, to hold the large one against. */
const small = new Map<string, { plans: Plans; matches: number }>();
const cases = scopes.flatMap((s) => sorts.flatMap((sort) => [false, true].map((deep) => ({ ...s, sort, deep, label: `${s.name}, sort=${sort}, page ${deep ? 2 : 1}` }))));

/** The image page's previous (before the first match) and next (after the last): there is none. */
const ends = scopes.flatMap((s) => sorts.flatMap((sort) => [true, false].map((before) => ({ ...s, sort, before, label: `${s.name}, sort=${sort}, ${before ? 'previous of the first' : 'next of the last'} match` }))));

async function measure() {
  const seen = new Map<string, { plans: Plans; matches: number }>();
  for (const c of cases) {
    const cursor = c.deep ? await secondPage(c.scope, c.sort, 'lighthouse') : undefined;
    const rows = await listKeys(db.sql, { scope: c.scope, sort: c.sort, q: 'lighthouse', cursor, limit: PAGE_SIZE });
    seen.set(c.label, { plans: await explain(c.scope, c.sort, 'lighthouse', cursor), matches: rows.length });
  }
  for (const e of ends) {
    const list = { scope: e.scope, sort: e.sort, q: 'lighthouse' };
    const all = await listKeys(db.sql, { ...list, limit: 1000 });
    const [at] = await readListed(db.sql, [(e.before ? all[0] : all.at(-1))!.id]);
    const rows = await beside(db.sql, list, at, e.before);
    seen.set(e.label, { plans: await plansOf(() => beside(db.sql, list, at, e.before)), matches: rows.length });
  }
  return seen;
}

describe(`a search at 1,000 images and at 41,000 with ${MORE_PEOPLE} more people, with the same matches`, () => {
  let large: Map<string, { plans: Plans; matches: number }>;
  before(async () => {
    for (const [label, seen] of await measure()) small.set(label, seen);
    // 40,000 more images, newer than every match: a walk down the list's time index would
    // pass all of them before finding a lighthouse.
    await addImages(db.sql, SMALL + 1, LARGE, false);
    await db.sql`insert into users (id, email, username, password_hash)
      select 'person-' || n, 'person-' || n || '@example.com', 'person-' || n, 'not a hash' from generate_series(1, ${MORE_PEOPLE}::int) n`;
    await db.sql`analyze users`;
    large = await measure();
  });

  for (const c of cases) {
    test(`${c.label}: reads images_search_idx and as many buffers as in the small library`, (t) => {
      const before = small.get(c.label)!;
      const after = large.get(c.label)!;
      assert.equal(after.matches, before.matches, 'the same matches');
      assert.ok(after.matches > 0 && after.matches <= MATCHES / 2 + 1);
      for (const kind of ['planned for its values', 'generic plan'] as const) {
        const [was, is] = [before.plans[kind], after.plans[kind]];
        const summary = `${kind}: ${buffers(was)} buffers at ${SMALL} images, ${buffers(is)} at ${LARGE}: ${shape(is)}`;
        t.diagnostic(summary);
        const all = nodes(is);
        assert.ok(all.some((n) => n['Index Name'] === 'images_search_idx'), `images_search_idx unused: ${summary}`);
        const removed = Math.max(0, ...all.map((n) => n['Rows Removed by Filter'] ?? 0));
        // At most the matches of every scope (the other scope's, those before the cursor) are passed over.
        assert.ok(removed <= 2 * MATCHES, `filters out ${removed} rows: ${summary}`);
        assert.ok(buffers(is) <= 1.5 * buffers(was) + 10, summary);
      }
    });
  }

  for (const e of ends) {
    test(`${e.label}: none, found in images_search_idx with as many buffers as in the small library`, (t) => {
      const before = small.get(e.label)!;
      const after = large.get(e.label)!;
      assert.equal(after.matches, 0);
      assert.equal(before.matches, 0);
      for (const kind of ['planned for its values', 'generic plan'] as const) {
        const [was, is] = [before.plans[kind], after.plans[kind]];
        const summary = `${kind}: ${buffers(was)} buffers at ${SMALL} images, ${buffers(is)} at ${LARGE}: ${shape(is)}`;
        t.diagnostic(summary);
        assert.ok(nodes(is).some((n) => n['Index Name'] === 'images_search_idx'), `images_search_idx unused: ${summary}`);
        assert.ok(buffers(is) <= 1.5 * buffers(was) + 10, summary);
      }
    });
  }

  // PostgreSQL plans a prepared query afresh for its first five runs, then keeps one generic plan
  // if it would not cost more than those did: a plan that depended on the words would be made
  // anew for every search, which took about as long as running it.
  test('one plan serves every search, whatever its words, after the first five', async () => {
    // Pages of 10: a statement of its own (the limit is in its text), first prepared here.
    const plans = await planCounts(db.sql, ['to_tsquery', 'limit 11'], async (one) => {
      const search = (q: string) => listKeys(one, { scope: { public: true }, sort: 'newest', q, limit: 10 });
      for (let i = 0; i < 10; i++) for (const q of ['lighthouse', 'harbour wall', 'photo', `photo ${i}`]) await search(q);
    });
    assert.deepEqual(plans, { generic: 35, custom: 5 });
  });

  test('a word every image has walks the list in its order and stops after a page', async (t) => {
    for (const { name, scope } of scopes) {
      for (const [kind, plan] of Object.entries(await explain(scope, 'newest', 'photo'))) {
        t.diagnostic(`${name}, ${kind}: ${buffers(plan)} buffers: ${shape(plan)}`);
        assert.ok(buffers(plan) < 300, `${name}, ${kind}: reads ${buffers(plan)} buffers: ${shape(plan)}`);
      }
    }
  });
});
