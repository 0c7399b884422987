import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { listedRow } from '../test-support/seed.ts';
import { encodeCursor } from '../images/cursor.ts';
import { PAGE_SIZE } from './routes.tsx';

let t: TestApp;
let alice: TestClient;
let bob: TestClient;

/** Rows only (no objects): enough for the lists, and fast. */
async function seed(username: string, count: number, visibility: 'public' | 'private', prefix: string) {
  const [{ id: userId }] = (await t.sql`select id from users where username = ${username}`) as unknown as [{ id: string }];
  const rows = Array.from({ length: count }, (_, i) =>
    listedRow({ id: `${prefix}${String(i).padStart(4, '0')}`, user_id: userId, filename: `${prefix}-${i}.jpg`, visibility, sha256: `${prefix}${i}` }));
  // Every row gets the same timestamp, so the id alone must order and split the pages.
  await t.sql`insert into images ${t.sql(rows)}`;
}

before(async () => {
  t = await startTestApp();
  alice = await newUser(t, 'alice');
  bob = await newUser(t, 'bob');
});
after(() => t.close());

const ids = (html: string) => [...html.matchAll(/id="image-([\w-]+)"/g)].map((m) => m[1]!);
const prevLink = (html: string) => html.match(/<a class="button secondary" href="([^"]+)" rel="prev"/)?.[1]?.replaceAll('&amp;', '&');
const nextLink = (html: string) => html.match(/<a class="button secondary" href="([^"]+)" rel="next"/)?.[1]?.replaceAll('&amp;', '&');

describe('GET /gallery', () => {
  test('shows public images of every user with the owner, never private ones, to visitors too', async () => {
    await alice.upload([{ name: 'alice-public.jpg', data: await jpeg(60, 40) }], 'public');
    await alice.upload([{ name: 'alice-private.jpg', data: await jpeg(60, 40) }], 'private');
    await bob.upload([{ name: 'bob-public.jpg', data: await jpeg(60, 40) }], 'public');
    const res = await new TestClient(t).request('/gallery');
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /bob-public\.jpg[\s\S]*alice-public\.jpg/, 'newest first');
    assert.match(html, /<a class="tile-owner" href="\/u\/alice">alice<\/a>/);
    assert.match(html, /<a class="tile-owner" href="\/u\/bob">bob<\/a>/);
    assert.doesNotMatch(html, /alice-private/);
    assert.match(res.headers.get('content-security-policy')!, /script-src 'self'/);
  });

  test('pages with a keyset cursor and rel="next" until every public image was shown once', async () => {
    await seed('bob', PAGE_SIZE * 2 + 5, 'public', 'pg');
    await seed('bob', 7, 'private', 'hidden');
    const visitor = new TestClient(t);
    const seen: string[] = [];
    let url: string | undefined = '/gallery';
    let pages = 0;
    while (url) {
      const html = await (await visitor.request(url)).text();
      const pageIds = ids(html);
      assert.ok(pageIds.length <= PAGE_SIZE);
      seen.push(...pageIds);
      url = nextLink(html);
      if (url) assert.match(url, /^\/gallery\?cursor=[\w-]+$/);
      pages += 1;
    }
    assert.equal(pages, 3);
    const expected = (await t.sql`select id from images where visibility = 'public' order by created_at desc, id desc`).map((r) => r.id);
    assert.deepEqual(seen, expected);

    // Without JavaScript, "Previous page" walks back: the same pages, in the same order.
    const last = await (await visitor.request(`/gallery?cursor=${nextLink(await (await visitor.request(nextLink(await (await visitor.request('/gallery')).text())!)).text())!.split('cursor=')[1]}`)).text();
    const back: string[][] = [ids(last)];
    for (let html = last, prev = prevLink(html); prev; prev = prevLink(html)) {
      assert.match(prev, /^\/gallery\?before=[\w-]+$/);
      html = await (await visitor.request(prev)).text();
      back.unshift(ids(html));
    }
    assert.deepEqual(back.map((p) => p.length), [PAGE_SIZE, PAGE_SIZE, expected.length - 2 * PAGE_SIZE]);
    assert.deepEqual(back.flat(), expected);
    assert.doesNotMatch(await (await visitor.request('/gallery')).text(), /rel="prev"/, 'the first page has no previous');
    // Nothing before the cursor any more (say, those images were deleted): the first page, not an empty one.
    const [newest] = await t.sql<{ id: string; key: string }[]>`
      select id, created_at::text as key from images where visibility = 'public' order by created_at desc, id desc limit 1`;
    const start = await (await visitor.request(`/gallery?before=${encodeCursor(newest!)}`)).text();
    assert.deepEqual(ids(start), expected.slice(0, PAGE_SIZE));
    assert.doesNotMatch(start, /rel="prev"/);
  });

  test('answers htmx with the next items only, ending in the next link', async () => {
    await newUser(t, 'scroller');
    await seed('scroller', PAGE_SIZE * 2 + 1, 'public', 'scroll');
    const first = await (await new TestClient(t).request('/u/scroller')).text();
    const res = await new TestClient(t).request(nextLink(first)!, { headers: { 'HX-Request': 'true', 'HX-Request-Type': 'partial' } });
    const html = await res.text();
    assert.doesNotMatch(html, /<html/);
    assert.match(html, /^<li class="tile ar-\d+"/);
    assert.equal(ids(html).length, PAGE_SIZE);
    assert.match(html, /<li class="more"><a class="button secondary" href="\/u\/scroller\?cursor=[\w-]+" rel="next" hx-get=/);
  });

  test('refuses a forged cursor with 400', async () => {
    assert.equal((await new TestClient(t).request('/gallery?cursor=not-a-cursor')).status, 400);
    const forged = Buffer.from("x'; drop table images;--|id").toString('base64url');
    assert.equal((await new TestClient(t).request(`/gallery?cursor=${forged}`)).status, 400);
  });
});

describe('GET /dashboard', () => {
  test('lists only my images, newest first, with visibility, download and delete', async () => {
    const carol = await newUser(t, 'carol');
    await carol.upload([{ name: 'mine-1.jpg', data: await jpeg(50, 50) }], 'private');
    await carol.upload([{ name: 'mine-2.jpg', data: await jpeg(50, 50) }], 'public');
    const html = await (await carol.request('/dashboard')).text();
    assert.match(html, /mine-2\.jpg[\s\S]*mine-1\.jpg/);
    assert.match(html, /Private/);
    assert.match(html, /Public/);
    assert.match(html, /\/original\?download=1/);
    assert.match(html, /hx-delete="\/images\//);
    assert.doesNotMatch(html, /alice-|bob-|pg-/);
  });

  test('a new user sees an empty state that says what to do', async () => {
    const dave = await newUser(t, 'dave');
    assert.match(await (await dave.request('/dashboard')).text(), /You have no images yet/);
  });

  test('paginates my images', async () => {
    await seed('alice', PAGE_SIZE + 1, 'private', 'al');
    const html = await (await alice.request('/dashboard')).text();
    assert.equal(ids(html).length, PAGE_SIZE);
    const rest = await (await alice.request(nextLink(html)!)).text();
    assert.ok(ids(rest).length >= 1);
    assert.equal(new Set([...ids(html), ...ids(rest)]).size, ids(html).length + ids(rest).length);
  });

  test('sends visitors to the login page', async () => {
    const res = await new TestClient(t).request('/dashboard');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/login?next=%2Fdashboard');
  });
});

describe('search and sort', () => {
  test('search by title, filename or caption; the URL carries it, and pages keep it', async () => {
    const erin = await newUser(t, 'erin');
    await erin.upload([{ name: 'beach-day.jpg', data: await jpeg(40, 30) }, { name: 'city.jpg', data: await jpeg(41, 30) }], 'public');
    const [city] = await t.sql`select id from images where filename = 'city.jpg'`;
    await erin.postForm(`/images/${city!.id}/details`, { title: 'Skyline', caption: 'Night by the BEACH promenade' });
    const html = await (await erin.request('/dashboard?q=beach')).text();
    assert.match(html, /beach-day\.jpg/);
    assert.match(html, /Skyline/, 'caption matches, case-insensitively');
    assert.match(html, /<input id="q" name="q" type="search" value="beach"/);
    assert.equal(ids(await (await erin.request('/dashboard?q=skyline')).text()).length, 1);
    assert.match(await (await erin.request('/dashboard?q=100%25_')).text(), /Nothing matches/);
  });

  test('sort by oldest and largest pages through every image exactly once', async () => {
    for (const sort of ['oldest', 'largest'] as const) {
      const seen: string[] = [];
      let url: string | undefined = `/gallery?sort=${sort}`;
      while (url) {
        const html = await (await new TestClient(t).request(url)).text();
        seen.push(...ids(html));
        url = nextLink(html);
        if (url) assert.match(url, new RegExp(`sort=${sort}&cursor=`));
      }
      const order = sort === 'oldest' ? t.sql`order by created_at asc, id asc` : t.sql`order by bytes desc, id desc`;
      const expected = (await t.sql`select id from images where visibility = 'public' ${order}`).map((r) => r.id);
      assert.deepEqual(seen, expected, sort);
    }
  });

  test('a cursor of another sort is refused', async () => {
    await newUser(t, 'sorter');
    await seed('sorter', PAGE_SIZE + 1, 'public', 'sorted');
    const html = await (await new TestClient(t).request('/u/sorter')).text();
    const cursor = nextLink(html)!.split('cursor=')[1];
    assert.equal((await new TestClient(t).request(`/u/sorter?sort=largest&cursor=${cursor}`)).status, 400);
  });
});

describe('previous and next on the image page', () => {
  before(async () => {
    await newUser(t, 'walker');
    await seed('walker', 3, 'public', 'walk');
  });

  test('follow the list the page was opened from, with its search and sort', async () => {
    const list = await (await new TestClient(t).request('/u/walker?sort=oldest')).text();
    const order = ids(list);
    assert.equal(order.length, 3);
    const at = (id: string) => `/images/${id}?in=u/walker&sort=oldest`;
    const link = (id: string, rel: string) => new RegExp(`<a href="/images/${id}\\?in=u%2Fwalker&amp;sort=oldest" rel="${rel}"`);
    assert.match(list, new RegExp(`href="/images/${order[0]}\\?in=u%2Fwalker&amp;sort=oldest"`));
    const first = await (await new TestClient(t).request(at(order[0]!))).text();
    assert.doesNotMatch(first, /rel="prev"/);
    assert.match(first, link(order[1]!, 'next'));
    const second = await (await new TestClient(t).request(at(order[1]!))).text();
    assert.match(second, link(order[0]!, 'prev'));
    assert.match(second, link(order[2]!, 'next'));
  });

  test("a visitor gets no neighbours from someone's dashboard, and a bad context is ignored", async () => {
    const id = 'walk0001';
    for (const q of ['in=dashboard', 'in=../../etc', 'in=u/x']) {
      const res = await new TestClient(t).request(`/images/${id}?${q}`);
      assert.equal(res.status, 200);
      assert.doesNotMatch(await res.text(), /class="pager"/, q);
    }
  });
});

// One character above U+00FF makes a whole page a two-byte string in V8, which Node measured and
// wrote at half the rate once the page passed 64K characters (the dashboard's 48 tiles are
// about 89K): the page's own words and its users' words are written within U+00FF (web/one-byte.ts).
test('a dashboard page holds no character above U+00FF, whatever its images, albums and search are called', async () => {
  const wide = await newUser(t, 'wide-names');
  const [{ id: userId }] = (await t.sql`select id from users where username = 'wide-names'`) as unknown as [{ id: string }];
  const names = ['Sunset 🌅 at sea', '東京の夜', '“Quoted” and it’s', 'Café ÿ'];
  const rows = names.map((title, i) => ({ ...listedRow({ id: `wide${i}`, user_id: userId, visibility: 'private', sha256: `wide${i}` }), title, alt_text: title }));
  await t.sql`insert into images ${t.sql(rows)}`;
  await wide.postForm('/albums', { title: 'Mum’s birthday 🎂' }); // the bulk bar's album menu
  await wide.request('/albums'); // where its message is shown
  const wideChars = (html: string) => [...html].filter((ch) => ch.codePointAt(0)! > 0xff);
  const html = await (await wide.request('/dashboard')).text();
  assert.deepEqual(wideChars(html), []);
  // What the browser reads is unchanged.
  assert.match(html, /<span class="tile-title">Sunset &#127749; at sea<\/span>/);
  assert.match(html, /alt="&#26481;&#20140;&#12398;&#22812;"/);
  assert.match(html, /&#8220;Quoted&#8221; and it&#8217;s/);
  assert.match(html, /Café ÿ/);
  assert.match(html, /Choose an action&#8230;<\/option>/);
  assert.match(html, /Album&#8230;<\/option>/);
  assert.match(html, />Mum&#8217;s birthday &#127874;<\/option>/);
  const found = await (await wide.request(`/dashboard?q=${encodeURIComponent('東京')}`)).text();
  assert.deepEqual(wideChars(found), []);
  assert.match(found, /value="&#26481;&#20140;"/);
  assert.match(found, /id="image-wide1"/);
  assert.doesNotMatch(found, /id="image-wide0"/);
});
