// `?sort=taken`: newest taken first, by the date the camera recorded (EXIF), or else by the upload
// time; keyset pages and the image page's previous / next follow that order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { listedRow } from '../test-support/seed.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg, jpegWithExif } from '../test-support/fixtures.ts';
import { PAGE_SIZE } from './routes.tsx';

let t: TestApp;
const visitor = () => new TestClient(t);

before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const ids = (html: string) => [...html.matchAll(/id="image-([\w-]+)"/g)].map((m) => m[1]!);
const pageLink = (html: string, rel: 'prev' | 'next') =>
  html.match(new RegExp(`<a class="button secondary" href="([^"]+)" rel="${rel}"`))?.[1]?.replaceAll('&amp;', '&');
/** The image page's previous and next image, and the query their links carry. */
const around = (html: string) => {
  const link = (rel: string) => html.match(new RegExp(`<a href="/images/([\\w-]+)\\?([^"]*)" rel="${rel}"`));
  const [prev, next] = [link('prev'), link('next')];
  return { prev: prev?.[1], next: next?.[1], query: [prev?.[2], next?.[2]].filter(Boolean).map((q) => q!.replaceAll('&amp;', '&')) };
};

/**
 * Every page of a list from `url` on, following "next" links: each page's ids (checked to carry
 * the sort and a cursor, and to hold at most a page).
 */
async function walk(client: TestClient, url: string) {
  const pages: string[][] = [];
  for (let next: string | undefined = url; next;) {
    const res = await client.request(next);
    assert.equal(res.status, 200, next);
    const html = await res.text();
    const page = ids(html);
    assert.ok(page.length <= PAGE_SIZE);
    pages.push(page);
    next = pageLink(html, 'next');
    if (next) {
      const cursor = next.match(/[?&]sort=taken&cursor=([\w-]+)$/)?.[1];
      assert.ok(cursor, next);
      // The date taken is its owner's: a cursor names the image only.
      assert.match(Buffer.from(cursor, 'base64url').toString(), /^taken\|[\w-]+$/);
    }
    assert.ok(pages.length < 100, 'pages without end');
  }
  const all = pages.flat();
  assert.equal(new Set(all).size, all.length, 'an image on two pages');
  return { pages, all };
}

/** One upload request each, so that upload times follow the order of the calls. */
async function upload(client: TestClient, username: string, name: string, visibility: 'public' | 'private', exif?: string[]) {
  const data = exif ? await jpegWithExif(24, 18, exif) : await jpeg(24, 18);
  const res = await client.upload([{ name, data }], visibility);
  assert.equal(res.status, 200);
  const [row] = await t.sql<{ id: string }[]>`
    select i.id from images i join users u on u.id = i.user_id where u.username = ${username} and i.filename = ${name}`;
  return row!.id;
}
const taken = (clock: string, offset?: string) => [`-DateTimeOriginal=${clock}`, ...(offset ? [`-OffsetTimeOriginal=${offset}`] : [])];

describe('the date taken', () => {
  test('with an offset, the instant; without one, the clock read as UTC; without a date, the upload time sorts', async () => {
    const clock = await newUser(t, 'clock');
    const paris = await upload(clock, 'clock', 'paris.jpg', 'private', taken('2024:06:01 14:30:15', '+02:00'));
    const newYork = await upload(clock, 'clock', 'new-york.jpg', 'private', taken('2019:12:31 20:00:00', '-05:00'));
    const local = await upload(clock, 'clock', 'local.jpg', 'private', taken('2021:03:04 05:06:07'));
    const plain = await upload(clock, 'clock', 'plain.jpg', 'private');
    const rows = await t.sql<{ id: string; taken_at: Date | null; taken_offset: string | null; taken_sort: Date; created_at: Date }[]>`
      select id, taken_at, taken_offset, taken_sort, created_at from images where id in ${t.sql([paris, newYork, local, plain])}`;
    const of = (id: string) => {
      const r = rows.find((x) => x.id === id)!;
      return { taken_at: r.taken_at?.toISOString() ?? null, taken_offset: r.taken_offset, sort: r.taken_sort.toISOString() };
    };
    assert.deepEqual(of(paris), { taken_at: '2024-06-01T12:30:15.000Z', taken_offset: '+02:00', sort: '2024-06-01T12:30:15.000Z' });
    assert.deepEqual(of(newYork), { taken_at: '2020-01-01T01:00:00.000Z', taken_offset: '-05:00', sort: '2020-01-01T01:00:00.000Z' });
    assert.deepEqual(of(local), { taken_at: '2021-03-04T05:06:07.000Z', taken_offset: null, sort: '2021-03-04T05:06:07.000Z' });
    const none = rows.find((x) => x.id === plain)!;
    assert.deepEqual([none.taken_at, none.taken_offset], [null, null]);
    assert.equal(none.taken_sort.getTime(), none.created_at.getTime());
  });
});

describe('sort=taken on the dashboard, the gallery and a profile', () => {
  // Uploaded in this order; the comments say when each was taken.
  const img: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g', string> = { a: '', b: '', c: '', d: '', e: '', f: '', g: '' };
  let taker: TestClient;
  before(async () => {
    taker = await newUser(t, 'taker');
    img.a = await upload(taker, 'taker', 'a.jpg', 'public', taken('2020:01:02 03:04:05')); // 2020-01-02 03:04:05Z
    img.b = await upload(taker, 'taker', 'b.jpg', 'public'); // no date: its upload time
    img.c = await upload(taker, 'taker', 'c.jpg', 'private', taken('2023:05:06 07:08:09')); // 2023-05-06
    img.d = await upload(taker, 'taker', 'd.jpg', 'public', taken('2021:07:08 09:10:11', '+09:00')); // 2021-07-08 00:10:11Z
    img.e = await upload(taker, 'taker', 'e.jpg', 'private'); // no date: its upload time, after b's
    img.f = await upload(taker, 'taker', 'f.jpg', 'public', taken('2099:01:01 00:00:00')); // a camera clock gone wrong
    img.g = await upload(taker, 'taker', 'g.jpg', 'public', taken('2021:07:08 05:00:00')); // 05:00Z: after d, though d's clock read later
  });
  const dashboardOrder = () => [img.f, img.e, img.b, img.c, img.g, img.d, img.a];
  const publicOrder = () => [img.f, img.b, img.g, img.d, img.a];

  test('newest taken first; images without a date by their upload time', async () => {
    const html = await (await taker.request('/dashboard?sort=taken')).text();
    assert.deepEqual(ids(html), dashboardOrder());
    assert.match(html, /<option value="taken" selected/);
    assert.match(html, new RegExp(`href="/images/${img.f}\\?in=dashboard&amp;sort=taken"`), 'tiles open the image in this list');
    assert.deepEqual(ids(await (await taker.request('/dashboard')).text()), [img.g, img.f, img.e, img.d, img.c, img.b, img.a], 'the default: by upload');

    for (const client of [visitor(), taker]) {
      assert.deepEqual(ids(await (await client.request('/u/taker?sort=taken')).text()), publicOrder());
      const mine = new Set(publicOrder());
      assert.deepEqual((await walk(client, '/gallery?sort=taken')).all.filter((id) => mine.has(id)), publicOrder());
    }
  });

  test("the image page's previous and next follow the order it was opened in", async () => {
    for (const [client, list, order] of [
      [taker, 'dashboard', dashboardOrder()],
      [visitor(), 'u/taker', publicOrder()],
      [taker, 'u/taker', publicOrder()],
    ] as const) {
      for (const [i, id] of order.entries()) {
        const res = await client.request(`/images/${id}?in=${list}&sort=taken`);
        assert.equal(res.status, 200);
        const got = around(await res.text());
        assert.deepEqual([got.prev, got.next], [order[i - 1], order[i + 1]], `${list}, image ${i + 1}`);
        for (const q of got.query) assert.deepEqual(Object.fromEntries(new URLSearchParams(q)), { in: list, sort: 'taken' });
      }
    }
    // In the gallery, among everyone's public images.
    const gallery = (await walk(visitor(), '/gallery?sort=taken')).all;
    const at = gallery.indexOf(img.g);
    const got = around(await (await visitor().request(`/images/${img.g}?in=gallery&sort=taken`)).text());
    assert.deepEqual([got.prev, got.next], [gallery[at - 1], gallery[at + 1]]);
  });
});

describe('sort=taken across pages', () => {
  /**
   * Rows only (no objects), in the order sort=taken must list them: groups of five taken at the
   * same moment (the id decides among them), undated images in between (their upload time
   * sorts; one in each late group ties with its dated ones), and two images taken a microsecond
   * apart where page 1 ends.
   */
  type Planned = { id: string; taken_at: string | null; created_at: string; visibility: 'public' | 'private'; deleted_at?: string };
  const planned: Planned[] = [];
  let hour = 0;
  /** The next moment, an hour before the last: as text, like PostgreSQL prints a timestamptz. */
  const slot = () => new Date(Date.UTC(2019, 11, 31) - hour++ * 3_600_000).toISOString().replace('T', ' ').replace('Z', '+00');
  const uploaded = '2026-01-01 00:00:00+00';
  const add = (id: string, taken_at: string | null, created_at = uploaded) =>
    planned.push({ id, taken_at, created_at, visibility: planned.length % 3 === 2 ? 'private' : 'public' });
  /** Five taken at one moment, ids descending; the `undated`th has no date, but was uploaded then. */
  const group = (name: string, undated?: number) => {
    const at = slot();
    for (let k = 4; k >= 0; k--) add(`tk-${name}-${k}`, k === undated ? null : at, k === undated ? at : uploaded);
  };
  for (let g = 0; g < 8; g++) group(`a${g}`); // 0..39
  const undatedAt = slot();
  add('tk-u-9', null, undatedAt); // 40, 41: uploaded at one moment
  add('tk-u-8', null, undatedAt);
  for (let i = 0; i < 3; i++) add(`tk-u-${7 - i}`, null, slot()); // 42..44
  for (let i = 0; i < 2; i++) add(`tk-d-${i}`, slot()); // 45, 46
  // 47 and 48: the last of page 1 and the first of page 2, a microsecond apart (the later one
  // with the lower id): the cursor must keep microseconds.
  add('tk-m-1', '2018-03-03 03:03:03.000002+00');
  add('tk-m-2', '2018-03-03 03:03:03.000001+00');
  hour = 24 * 365 * 2; // from here on, taken about 2018-01-01 and earlier: after the pair
  for (let g = 0; g < 12; g++) group(`b${String(g).padStart(2, '0')}`, 2); // 49..108: positions 94..98 hold page 3's start
  const oldAt = slot();
  for (let i = 0; i < 3; i++) add(`tk-o-${9 - i}`, null, oldAt); // 109..111
  for (let i = 0; i < 2; i++) add(`tk-o-${i}`, null, slot()); // 112, 113
  const order = planned.map((p) => p.id);

  let pager: TestClient;
  before(async () => {
    pager = await newUser(t, 'pager');
    const [{ id: userId }] = (await t.sql`select id from users where username = 'pager'`) as unknown as [{ id: string }];
    // In the trash: taken at a group's moment, with an id among the group's. Never listed.
    const trashed = { id: 'tk-b03-25', taken_at: planned.find((p) => p.id === 'tk-b03-3')!.taken_at, created_at: uploaded, visibility: 'public', deleted_at: uploaded };
    const all = [...planned.map((p) => ({ ...p, deleted_at: null })), trashed];
    const rows = all.map(({ taken_at: _, created_at: __, ...p }, i) => listedRow({ ...p, user_id: userId }, 100 + i));
    await t.sql`insert into images ${t.sql(rows)}`;
    // The times go as text, for PostgreSQL to read: postgres.js would pass them through a Date,
    // which keeps milliseconds only.
    const times = JSON.stringify(all.map(({ id, taken_at, created_at }) => ({ id, taken_at, created_at })));
    await t.sql`update images i set taken_at = r.taken_at, created_at = r.created_at
      from json_to_recordset(${times}::text::json) as r(id text, taken_at timestamptz, created_at timestamptz) where i.id = r.id`;
  });

  test('the planned order is what the database orders by: date taken, else upload time, then id', async () => {
    const listed = await t.sql<{ id: string }[]>`
      select i.id from images i join users u on u.id = i.user_id where u.username = 'pager' and i.deleted_at is null
      order by coalesce(i.taken_at, i.created_at) desc, i.id desc`;
    assert.deepEqual(listed.map((r) => r.id), order);
    assert.equal(order.length, 114);
  });

  test('the dashboard pages through every image once, in order, across ties and microseconds', async () => {
    const { pages, all } = await walk(pager, '/dashboard?sort=taken');
    assert.deepEqual(pages.map((p) => p.length), [PAGE_SIZE, PAGE_SIZE, order.length - 2 * PAGE_SIZE]);
    assert.deepEqual(all, order);
    // What the page breaks fall on (else this test would not test them).
    assert.deepEqual([pages[0]!.at(-1), pages[1]![0]], ['tk-m-1', 'tk-m-2']);
    const takenAt = (id: string) => { const p = planned.find((x) => x.id === id)!; return p.taken_at ?? p.created_at; };
    assert.equal(takenAt(pages[1]!.at(-1)!), takenAt(pages[2]![0]!), 'page 3 starts inside a group taken at one moment');
  });

  test('"Previous page" walks back over the same pages, on the dashboard, a profile and the gallery', async () => {
    for (const [client, url] of [[pager, '/dashboard?sort=taken'], [visitor(), '/u/pager?sort=taken'], [visitor(), '/gallery?sort=taken']] as const) {
      const { pages } = await walk(client, url);
      assert.ok(pages.length >= 2, url);
      let html = await (await client.request(url)).text();
      for (let next = pageLink(html, 'next'); next; next = pageLink(html, 'next')) html = await (await client.request(next)).text();
      const back = [ids(html)];
      for (let prev = pageLink(html, 'prev'); prev; prev = pageLink(html, 'prev')) {
        assert.match(prev, /[?&]sort=taken&before=[\w-]+$/);
        const res = await client.request(prev);
        assert.equal(res.status, 200, `${prev}: ${res.status}`);
        html = await res.text();
        back.unshift(ids(html));
      }
      assert.deepEqual(back, pages, url);
    }
  });

  test('a profile and the gallery page through their public images once, in order', async () => {
    const isPublic = new Set(planned.filter((p) => p.visibility === 'public').map((p) => p.id));
    assert.deepEqual((await walk(visitor(), '/u/pager?sort=taken')).all, order.filter((id) => isPublic.has(id)));
    const everyones = await t.sql<{ id: string }[]>`
      select id from images where visibility = 'public' and deleted_at is null order by coalesce(taken_at, created_at) desc, id desc`;
    const gallery = await walk(visitor(), '/gallery?sort=taken');
    assert.ok(gallery.pages.length >= 2);
    assert.deepEqual(gallery.all, everyones.map((r) => r.id));
  });

  test("the image page's previous and next step across ties and microseconds", async () => {
    for (const at of [47, 48, 94, 95, 96, 98, 40, 41]) {
      const got = around(await (await pager.request(`/images/${order[at]}?in=dashboard&sort=taken`)).text());
      assert.deepEqual([got.prev, got.next], [order[at - 1], order[at + 1]], `position ${at}`);
    }
    const first = around(await (await pager.request(`/images/${order[0]}?in=dashboard&sort=taken`)).text());
    assert.deepEqual([first.prev, first.next], [undefined, order[1]]);
    const last = around(await (await pager.request(`/images/${order.at(-1)}?in=dashboard&sort=taken`)).text());
    assert.deepEqual([last.prev, last.next], [order.at(-2), undefined]);
  });
});
