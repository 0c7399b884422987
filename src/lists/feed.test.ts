// The Atom feeds of the gallery and of each person's public images: read the way feed readers
// read them (@rowanmanning/feed-parser, lenient like they are), and also checked strictly, as
// well-formed XML and as Atom (RFC 4287), since a lenient reader would forgive what others choke on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseFeed } from '@rowanmanning/feed-parser';
// fast-xml-parser: for its validator and a parse that keeps attributes and CDATA.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, ORIGIN, TestClient } from '../test-support/client.ts';
import { jpeg, jpegWithExif, readTags } from '../test-support/fixtures.ts';
import { variantUrl } from '../images/urls.ts';
import { FEED_ENTRIES } from './feed.ts';

let t: TestApp;
const visitor = () => new TestClient(t);

before(async () => {
  t = await startTestApp();
});
after(() => t.close());

// ---- Reading XML strictly -------------------------------------------------------------------

const XML_REFERENCE = /&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const decodeXml = (s: string) => s.replace(XML_REFERENCE, (_, r: string) => {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  if (named[r]) return named[r];
  return String.fromCodePoint(r.startsWith('#x') ? parseInt(r.slice(2), 16) : Number(r.slice(1)));
});
/** HTML as plain text: tags dropped, character references read (escaping HTML makes no others). */
const textOfHtml = (html: string) => decodeXml(html.replace(/<[^>]*>/g, ''));

/**
 * Well-formed XML 1.0: what the parser's validator checks, and what it lets through: characters
 * XML forbids (control characters other than tab and newlines), references to entities no
 * document declares, and "]]>" left over from a CDATA section cut short.
 */
function assertWellFormed(xml: string) {
  const result = XMLValidator.validate(xml);
  assert.ok(result === true, `not well-formed XML: ${JSON.stringify(result)}`);
  const refuse = (what: string, at?: number) => at !== undefined && at >= 0 && assert.fail(`${what}: …${JSON.stringify(xml.slice(Math.max(0, at - 40), at + 40))}…`);
  refuse('a character XML 1.0 forbids', xml.search(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u));
  // A CDATA section ends at the first "]]>"; outside one, "]]>" may not appear at all. (Sections
  // are blanked out, not removed, so that positions stay those of `xml`.)
  const outsideCdata = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => ' '.repeat(m.length));
  refuse('an undeclared entity or a bare &', outsideCdata.search(/&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/));
  refuse('"]]>" outside a CDATA section', outsideCdata.search(/\]\]>/));
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>'), 'the XML declaration');
}

type XmlElement = { '@'?: Record<string, string>; '#text'?: string; '#cdata'?: string; [child: string]: unknown };
type XmlNode = string | XmlElement;

/** The children named `name` (the parser gives one child as itself, several as an array). */
function children(node: XmlNode, name: string): XmlNode[] {
  if (typeof node === 'string') return [];
  const v = node[name];
  return v === undefined ? [] : Array.isArray(v) ? (v as XmlNode[]) : [v as XmlNode];
}
function only(node: XmlNode, name: string, where: string): XmlNode {
  const all = children(node, name);
  assert.equal(all.length, 1, `${where} must have exactly one <${name}>, has ${all.length}`);
  return all[0]!;
}
const text = (n: XmlNode) => (typeof n === 'string' ? decodeXml(n) : decodeXml(n['#text'] ?? '') + (n['#cdata'] ?? ''));
const attr = (n: XmlNode, name: string) => (typeof n === 'string' || n['@']?.[name] === undefined ? undefined : decodeXml(n['@'][name]));

// RFC 3339 date-time, as atom:updated requires (RFC 4287 3.3).
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * An Atom Text construct (RFC 4287 3.1) as what a reader shows: `text` as it is; `html` is
 * markup, shown rendered. `markup` tells whether the html held any tag, rather than text alone.
 */
function textConstruct(n: XmlNode, where: string) {
  const type = attr(n, 'type') ?? 'text';
  assert.ok(type === 'text' || type === 'html', `${where}: type ${type}`);
  const value = text(n);
  if (type === 'text') return { text: value, markup: false };
  return { text: textOfHtml(value), markup: /<[a-zA-Z/!?]/.test(value) };
}

type AtomEntry = {
  id: string; title: { text: string; markup: boolean }; updated: string; authors: string[]; alternate: string;
  enclosures: { href: string; type?: string }[]; content: string; summary?: { text: string; markup: boolean };
};

/** The feed read strictly: well-formed, and with what RFC 4287 requires of a feed and of its entries. */
function readAtom(xml: string) {
  assertWellFormed(xml);
  const doc = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '', attributesGroupName: '@', parseTagValue: false, parseAttributeValue: false,
    cdataPropName: '#cdata', trimValues: true,
  }).parse(xml) as XmlElement;
  const feed = only(doc, 'feed', 'the document');
  assert.equal(attr(feed, 'xmlns'), 'http://www.w3.org/2005/Atom', 'the Atom namespace');
  const links = (n: XmlNode) => children(n, 'link').map((l) => ({ rel: attr(l, 'rel') ?? 'alternate', href: attr(l, 'href')!, type: attr(l, 'type') }));
  const absolute = (iri: string, where: string) => assert.doesNotThrow(() => new URL(iri), `${where}: not an absolute IRI: ${iri}`);

  const id = text(only(feed, 'id', 'the feed'));
  absolute(id, 'feed id');
  const title = textConstruct(only(feed, 'title', 'the feed'), 'feed title');
  assert.ok(title.text.length > 0, 'the feed has a title');
  const updated = text(only(feed, 'updated', 'the feed'));
  assert.match(updated, RFC3339);
  const feedLinks = links(feed);
  const self = feedLinks.filter((l) => l.rel === 'self');
  assert.equal(self.length, 1, 'the feed links to itself once');
  const alternate = feedLinks.filter((l) => l.rel === 'alternate');
  assert.ok(alternate.length <= 1);
  const feedHasAuthor = children(feed, 'author').length > 0;

  const entries: AtomEntry[] = children(feed, 'entry').map((e, i) => {
    const where = `entry ${i + 1}`;
    const entryId = text(only(e, 'id', where));
    absolute(entryId, `${where} id`);
    const entryUpdated = text(only(e, 'updated', where));
    assert.match(entryUpdated, RFC3339, `${where} updated`);
    const published = children(e, 'published');
    assert.ok(published.length <= 1);
    if (published[0]) assert.match(text(published[0]), RFC3339, `${where} published`);
    const authors = children(e, 'author').map((a) => text(only(a, 'name', `${where} author`)));
    assert.ok(authors.length > 0 || feedHasAuthor, `${where} has no author, nor has the feed`);
    const entryLinks = links(e);
    const alternates = entryLinks.filter((l) => l.rel === 'alternate');
    assert.equal(alternates.length, 1, `${where} links its page once`);
    const contents = children(e, 'content');
    assert.equal(contents.length, 1, `${where} has content`);
    assert.equal(attr(contents[0]!, 'type'), 'html');
    const summaries = children(e, 'summary');
    assert.ok(summaries.length <= 1);
    return {
      id: entryId,
      title: textConstruct(only(e, 'title', where), `${where} title`),
      updated: entryUpdated,
      authors,
      alternate: alternates[0]!.href,
      enclosures: entryLinks.filter((l) => l.rel === 'enclosure').map(({ href, type }) => ({ href, type })),
      content: text(contents[0]!),
      summary: summaries[0] === undefined ? undefined : textConstruct(summaries[0], `${where} summary`),
    };
  });
  const ids = entries.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'each entry once');
  return { id, title: title.text, updated, self: self[0]!.href, alternate: alternate[0]?.href, entries };
}

// ---- The app's feeds ------------------------------------------------------------------------

const ATOM = 'application/atom+xml; charset=utf-8';
const pageOf = (id: string) => `${ORIGIN}/images/${id}`;
const idOf = (entryId: string) => entryId.match(/^http:\/\/localhost\/images\/([\w-]+)$/)?.[1];

/** A feed as fetched by a reader: its bytes, read strictly, and read by a feed reader's parser. */
async function fetchFeed(path: string) {
  const res = await visitor().request(path);
  assert.equal(res.status, 200, path);
  assert.equal(res.headers.get('content-type'), ATOM);
  const xml = await res.text();
  const atom = readAtom(xml);
  const parsed = parseFeed(xml);
  assert.equal(parsed.meta.type, 'atom');
  assert.deepEqual(parsed.items.map((i) => i.id), atom.entries.map((e) => e.id), 'the reader finds the same entries');
  return { xml, atom, parsed, ids: atom.entries.map((e) => idOf(e.id)!) };
}

/** Uploads `files` (small JPEGs of those names, or the given bytes) in one request; their ids, in that order. */
async function upload(client: TestClient, files: (string | { name: string; data: Buffer })[], visibility: 'public' | 'private') {
  const named = await Promise.all(files.map(async (f) => (typeof f === 'string' ? { name: f, data: await jpeg(16, 12) } : f)));
  const res = await client.upload(named, visibility);
  assert.equal(res.status, 200, await res.clone().text());
  const rows = await t.sql<{ id: string; filename: string }[]>`
    select i.id, i.filename from images i join users u on u.id = i.user_id
    where u.username = ${usernames.get(client)!} and i.filename in ${t.sql(named.map((f) => f.name))}`;
  return named.map((f) => rows.find((r) => r.filename === f.name)!.id);
}
const usernames = new Map<TestClient, string>();
/** A new user, signed in. */
async function user(name: string) {
  const client = await newUser(t, name);
  usernames.set(client, name);
  return client;
}

/** The newest public images, as the feeds should list them. */
const newestPublic = async (username?: string) => (await t.sql<{ id: string }[]>`
  select i.id from images i join users u on u.id = i.user_id
  where i.visibility = 'public' and i.deleted_at is null ${username ? t.sql`and u.username = ${username}` : t.sql``}
  order by i.created_at desc, i.id desc limit ${FEED_ENTRIES}`).map((r) => r.id);

const setVisibility = (client: TestClient, id: string, visibility: string) =>
  client.postForm(`/images/${id}/visibility`, { visibility, expires: 'never' });

describe('GET /gallery.atom and /u/<name>.atom', () => {
  test('an entry per public image: its page, title, owner, date, display image and caption', async () => {
    const alice = await user('alice');
    // One request each: the images of one upload share its time, and the id orders them.
    const [harbour] = await upload(alice, ['harbour.jpg'], 'public');
    const [market] = await upload(alice, ['market.jpg'], 'public');
    const saved = await alice.postForm(`/images/${harbour}/details`, { title: 'Harbour at dawn', caption: 'Boats and gulls, before the fog lifted.', alt_text: '' });
    assert.equal(saved.status, 303);

    for (const path of ['/gallery.atom', '/u/alice.atom']) {
      const { atom, parsed } = await fetchFeed(path);
      const page = path === '/gallery.atom' ? '/gallery' : '/u/alice';
      assert.equal(atom.id, `${ORIGIN}${path}`);
      assert.equal(atom.self, `${ORIGIN}${path}`);
      assert.equal(atom.alternate, `${ORIGIN}${page}`);
      assert.match(atom.title, path === '/gallery.atom' ? /Gallery/ : /alice/);
      assert.equal(atom.entries.length, 2);

      const rows = await t.sql<{ id: string; display_hash: string; epoch: number; created_at: Date }[]>`
        select id, display_hash, epoch, created_at from images where id in ${t.sql([harbour!, market!])}`;
      const [first, second] = atom.entries;
      assert.equal(atom.updated, first!.updated, "the feed's date is its newest entry's");
      for (const [entry, id, title] of [[first!, market!, 'market.jpg'], [second!, harbour!, 'Harbour at dawn']] as const) {
        const row = rows.find((r) => r.id === id)!;
        const display = `${ORIGIN}${variantUrl(row, 'display')}`;
        assert.match(display, new RegExp(`^http://localhost/images/${id}/display/[0-9a-f]{16}-\\d+\\.webp$`));
        assert.equal(entry.id, pageOf(id));
        assert.equal(entry.alternate, pageOf(id));
        assert.deepEqual(entry.title, { text: title, markup: false });
        assert.deepEqual(entry.authors, ['alice']);
        assert.equal(new Date(entry.updated).getTime(), row.created_at.getTime());
        assert.deepEqual(entry.enclosures, [{ href: display, type: 'image/webp' }]);
        const img = entry.content.match(/<img [^>]*src="([^"]+)"/)?.[1];
        assert.equal(img && decodeXml(img), display, 'the content shows the display image');
        // The enclosure is served to anyone, as a reader fetches it.
        const served = await visitor().request(display.slice(ORIGIN.length));
        assert.equal(served.status, 200);
        assert.equal(served.headers.get('content-type'), 'image/webp');
        const item = parsed.items.find((i) => i.id === pageOf(id))!;
        assert.equal(item.url, pageOf(id));
        assert.equal(item.title, title);
        assert.deepEqual(item.authors.map((a) => a.name), ['alice']);
        assert.deepEqual(item.media.map((m) => [m.url, m.mimeType]), [[display, 'image/webp']]);
      }
      assert.match(textOfHtml(second!.content), /Boats and gulls, before the fog lifted\./, 'the caption');
      assert.match(parsed.items[1]!.content!, /Boats and gulls, before the fog lifted\./);
    }
  });

  test('lists public images only: never private, unlisted or trashed ones of the same person', async () => {
    const mixed = await user('mixed');
    const [shown] = await upload(mixed, ['shown.jpg'], 'public');
    const [hidden, shared] = await upload(mixed, ['hidden.jpg', 'shared.jpg'], 'private');
    assert.equal((await setVisibility(mixed, shared!, 'unlisted')).status, 303);
    const [binned] = await upload(mixed, ['binned.jpg'], 'public');
    assert.deepEqual((await fetchFeed('/u/mixed.atom')).ids, [binned, shown]);
    assert.equal((await mixed.postForm(`/images/${binned}/delete`, {})).status, 303);
    assert.ok((await t.sql`select deleted_at from images where id = ${binned!}`)[0]!.deleted_at, 'in the trash');

    for (const path of ['/gallery.atom', '/u/mixed.atom']) {
      const { xml, ids } = await fetchFeed(path);
      assert.ok(ids.includes(shown!), path);
      for (const [id, name] of [[hidden!, 'hidden'], [shared!, 'shared'], [binned!, 'binned']]) {
        assert.ok(!xml.includes(id), `${path}: ${name}`);
        assert.ok(!xml.includes(`${name}.jpg`), `${path}: ${name}`);
      }
    }
    assert.deepEqual((await fetchFeed('/u/mixed.atom')).ids, [shown]);
    assert.deepEqual((await fetchFeed('/gallery.atom')).ids, await newestPublic());
  });

  test(`at most ${FEED_ENTRIES} entries, newest first`, async () => {
    const many = await user('many');
    const [oldest] = await upload(many, ['oldest.jpg'], 'public');
    const batch = await upload(many, Array.from({ length: FEED_ENTRIES - 1 }, (_, i) => `many-${i}.jpg`), 'public');
    const [newest] = await upload(many, ['newest.jpg'], 'public');

    const { atom, ids } = await fetchFeed('/u/many.atom');
    assert.equal(ids.length, FEED_ENTRIES);
    assert.equal(ids[0], newest);
    assert.ok(!ids.includes(oldest!), 'the oldest is the 51st: left out');
    assert.deepEqual(new Set(ids.slice(1)), new Set(batch));
    assert.deepEqual(ids, await newestPublic('many'));
    const dates = atom.entries.map((e) => new Date(e.updated).getTime());
    assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'newest first');

    const gallery = await fetchFeed('/gallery.atom');
    assert.equal(gallery.ids.length, FEED_ENTRIES);
    assert.deepEqual(gallery.ids, await newestPublic());
  });

  // Each of these plants texts that may break the feeds they are in: once checked, the image is
  // made private again, so that the other tests read feeds without it.
  /** A public image of a new user `name` with `title` and `caption`; `check(id)`, then private. */
  async function withTexts(name: string, texts: { title: string; caption: string }, check: (id: string, saved: Response) => Promise<void>) {
    const owner = await user(name);
    const [id] = await upload(owner, [`${name}.jpg`], 'public');
    try {
      await check(id!, await owner.postForm(`/images/${id}/details`, { ...texts, alt_text: '' }));
    } finally {
      assert.equal((await setVisibility(owner, id!, 'private')).status, 303);
    }
  }

  test('a title and caption holding "]]>", markup and "&" keep the feed well-formed', async () => {
    // Twice "]]>": a CDATA section ends at the first one unless each is split.
    const title = 'Fish & chips ]]> <b>bold</b> ]]> the end';
    const caption = 'Salt & vinegar ]]> <i>both</i> ]]> please';
    await withTexts('tricky', { title, caption }, async (id, saved) => {
      assert.equal(saved.status, 303);
      for (const path of ['/gallery.atom', '/u/tricky.atom']) {
        const { atom, parsed } = await fetchFeed(path);
        const entry = atom.entries.find((e) => e.id === pageOf(id))!;
        assert.equal(entry.title.text, title);
        assert.ok(textOfHtml(entry.content).includes(caption));
        if (entry.summary) assert.equal(entry.summary.text, caption);
        assert.equal(parsed.items.find((i) => i.id === pageOf(id))!.title, title);
      }
    });
  });

  test('a title and caption holding markup come out as text, never as markup', async () => {
    const title = '<script>alert("title")</script> Tom & Jerry <b>';
    const caption = '<script>alert("caption")</script> <img src=x onerror=alert(1)> salt & pepper';
    await withTexts('marker', { title, caption }, async (id, saved) => {
      assert.equal(saved.status, 303);
      const { atom } = await fetchFeed('/u/marker.atom');
      const [entry] = atom.entries;
      assert.equal(entry!.id, pageOf(id));
      assert.deepEqual(entry!.title, { text: title, markup: false }, 'the title');
      if (entry!.summary) assert.deepEqual(entry!.summary, { text: caption, markup: false }, 'the summary');
      assert.doesNotMatch(entry!.content, /<script|<b>|<img src=x/i, 'the content');
      assert.ok(textOfHtml(entry!.content).includes(caption), 'the caption, as text in the content');
    });
  });

  test('control characters in a title or caption keep the feed well-formed', async () => {
    // Word processors put a vertical tab (U+000B) for a line break; XML 1.0 has no way to say it.
    // Refused or left out, either will do.
    await withTexts('pasted', { title: 'Ring\u0007the bell', caption: 'Line one\u000bline two\u001b' }, async (_, saved) => {
      assert.ok(saved.status === 303 || saved.status === 422, `status ${saved.status}`);
      const { atom } = await fetchFeed('/u/pasted.atom');
      assert.match(atom.entries[0]!.title.text, /Ring|pasted\.jpg/);
    });
  });

  test('a new public image is in the next fetch; one made private, edited or trashed changes it at once', async () => {
    const fresh = await user('fresh');
    const [old] = await upload(fresh, ['old.jpg'], 'public');
    const before = await fetchFeed('/u/fresh.atom');
    assert.equal((await fetchFeed('/u/fresh.atom')).xml, before.xml, 'served again the same');
    await fetchFeed('/gallery.atom');

    const [added] = await upload(fresh, ['added.jpg'], 'public');
    assert.deepEqual((await fetchFeed('/u/fresh.atom')).ids, [added, old]);
    assert.equal((await fetchFeed('/gallery.atom')).ids[0], added);

    assert.equal((await setVisibility(fresh, added!, 'private')).status, 303);
    assert.deepEqual((await fetchFeed('/u/fresh.atom')).ids, [old], 'made private');
    assert.ok(!(await fetchFeed('/gallery.atom')).ids.includes(added!));

    assert.equal((await setVisibility(fresh, added!, 'public')).status, 303);
    assert.deepEqual((await fetchFeed('/u/fresh.atom')).ids, [added, old], 'public again');

    await fresh.postForm(`/images/${old}/details`, { title: 'Renamed', caption: 'Now with a caption', alt_text: '' });
    const edited = (await fetchFeed('/u/fresh.atom')).atom.entries[1]!;
    assert.equal(edited.title.text, 'Renamed');
    assert.match(textOfHtml(edited.content), /Now with a caption/);

    assert.equal((await fresh.postForm(`/images/${old}/delete`, {})).status, 303);
    assert.deepEqual((await fetchFeed('/u/fresh.atom')).ids, [added], 'trashed');
  });

  test("one person's feed lists their public images only; someone unknown has none (404)", async () => {
    const ann = await user('ann');
    const ben = await user('ben');
    await upload(ann, ['ann-1.jpg', 'ann-2.jpg'], 'public');
    await upload(ben, ['ben-1.jpg'], 'public');
    await upload(ann, ['ann-private.jpg'], 'private');
    const { atom, ids } = await fetchFeed('/u/ann.atom');
    assert.deepEqual(ids, await newestPublic('ann'));
    assert.equal(ids.length, 2);
    assert.deepEqual(atom.entries.flatMap((e) => e.authors), ['ann', 'ann']);
    assert.deepEqual((await fetchFeed('/u/ben.atom')).atom.entries.flatMap((e) => e.authors), ['ben']);

    await user('quiet');
    const empty = await fetchFeed('/u/quiet.atom');
    assert.deepEqual(empty.ids, [], 'no public images: an empty feed, still valid');

    for (const path of ['/u/nobody.atom', '/u/ann-and-ben.atom']) {
      const res = await visitor().request(path);
      assert.equal(res.status, 404, path);
      assert.notEqual(res.headers.get('content-type'), ATOM);
    }
  });

  test("carries nothing of the camera's EXIF: no make, model or position", async () => {
    const traveller = await user('traveller');
    const [id] = await upload(traveller, [{ name: 'paris.jpg', data: await jpegWithExif(64, 48) }], 'public');
    const [row] = await t.sql<{ camera_model: string; latitude: number; display_hash: string; epoch: number; id: string }[]>`
      select id, camera_model, latitude, display_hash, epoch from images where id = ${id!}`;
    assert.equal(row!.camera_model, 'iPhone 15 Pro', 'the upload had them');
    for (const path of ['/gallery.atom', '/u/traveller.atom']) {
      const { xml, ids } = await fetchFeed(path);
      assert.ok(ids.includes(id!));
      for (const secret of ['iPhone', 'Apple', '48.8584', '2.2945', '2024-06-01T12:30:15']) assert.ok(!xml.includes(secret), `${path}: ${secret}`);
    }
    // Nor does the image the feed links to.
    const display = await visitor().request(variantUrl(row!, 'display'));
    assert.equal(display.status, 200);
    const tags = JSON.stringify(await readTags(Buffer.from(await display.arrayBuffer())));
    for (const secret of ['iPhone', 'Apple', 'GPS']) assert.ok(!tags.includes(secret), `display image: ${secret}`);
  });
});

describe('feed discovery', () => {
  /** The `<link>`s of the page's head, as attribute maps. */
  const headLinks = (html: string) => {
    const head = html.match(/<head>([\s\S]*?)<\/head>/)?.[1] ?? '';
    return [...head.matchAll(/<link\s([^>]*?)\/?>/g)].map((m) =>
      Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, decodeXml(a[2]!)])));
  };
  const feedsOf = (html: string) =>
    headLinks(html).filter((l) => l.rel === 'alternate' && l.type === 'application/atom+xml').map((l) => l.href);

  test('the gallery and profile pages name their feed in <head>, signed out and signed in', async () => {
    const poster = await user('poster');
    await upload(poster, ['posted.jpg'], 'public');
    await user('blank');
    const signedIn = await user('reader');
    for (const client of [visitor(), signedIn, poster]) {
      for (const [page, feed] of [['/gallery', '/gallery.atom'], ['/u/poster', '/u/poster.atom'], ['/u/blank', '/u/blank.atom']]) {
        const res = await client.request(page!);
        assert.equal(res.status, 200);
        assert.deepEqual(feedsOf(await res.text()), [feed], `${page}`);
      }
    }
    // The names lead to the feeds.
    for (const path of ['/gallery.atom', '/u/poster.atom']) await fetchFeed(path);
  });
});
