// Link previews (Open Graph, Twitter cards), oEmbed, embedding from other sites (CORP and
// EMBED_ORIGINS) and the direct links and embed codes an image page offers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, ORIGIN, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { objectKeys } from '../images/keys.ts';
import { embedCodes } from '../images/embed.tsx';

let t: TestApp;
let owner: TestClient;
const visitor = () => new TestClient(t);

type Row = { id: string; display_hash: string; epoch: number; share_token: string | null };
let pub: Row;
let priv: Row;
let unlisted: Row;

async function upload(name: string, visibility: string, size: [number, number] = [2400, 1200]) {
  await owner.upload([{ name, data: await jpeg(...size) }], visibility === 'unlisted' ? 'private' : visibility);
  let [row] = await t.sql<Row[]>`select id, display_hash, epoch, share_token from images where filename = ${name}`;
  if (visibility === 'unlisted') {
    await owner.postForm(`/images/${row!.id}/visibility`, { visibility: 'unlisted', expires: 'never' });
    [row] = await t.sql<Row[]>`select id, display_hash, epoch, share_token from images where id = ${row!.id}`;
  }
  return row!;
}

before(async () => {
  t = await startTestApp();
  owner = await newUser(t, 'embedder');
  pub = await upload('beach.jpg', 'public');
  await owner.postForm(`/images/${pub.id}/details`, { title: 'Beach at dawn', caption: 'Low tide,\n\nfirst light.', alt_text: 'Sand & "sea" [wide]' });
  priv = await upload('secret.jpg', 'private');
  unlisted = await upload('linked.jpg', 'unlisted');
});
after(() => t.close());

/** The `<meta>` and `<link>` of a page's head that make its link preview: property or name to content. */
async function previewOf(client: TestClient, path: string) {
  const html = await (await client.request(path)).text();
  const head = html.slice(0, html.indexOf('</head>'));
  const tags: Record<string, string> = {};
  for (const m of head.matchAll(/<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"/g)) tags[m[1]!] = m[2]!;
  const oembed = head.match(/<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/)?.[1]?.replace(/&amp;/g, '&');
  return { tags, oembed, html };
}

const display = (r: Row, query = '') => `${ORIGIN}/images/${r.id}/display/${r.display_hash}-${r.epoch}.webp${query}`;

describe('link previews', () => {
  test('a public image page: Open Graph and Twitter card with its title, caption and display image at its size', async () => {
    const { tags, oembed } = await previewOf(visitor(), `/images/${pub.id}`);
    assert.deepEqual(tags, {
      'og:site_name': 'Image Repository',
      'og:type': 'website',
      'og:title': 'Beach at dawn',
      'og:description': 'Low tide, first light.',
      'og:url': `${ORIGIN}/images/${pub.id}`,
      'og:image': display(pub),
      'og:image:type': 'image/webp',
      'og:image:width': '1600',
      'og:image:height': '800',
      'og:image:alt': 'Sand &amp; &quot;sea&quot; [wide]',
      'twitter:image': display(pub),
      'twitter:image:alt': 'Sand &amp; &quot;sea&quot; [wide]',
      'twitter:card': 'summary_large_image',
      'twitter:title': 'Beach at dawn',
      'twitter:description': 'Low tide, first light.',
    });
    assert.equal(oembed, `${ORIGIN}/oembed?url=${encodeURIComponent(`${ORIGIN}/images/${pub.id}`)}&format=json`);
    // The preview image itself is there for a crawler without cookies.
    const res = await visitor().request(new URL(tags['og:image']!).pathname);
    assert.equal(res.status, 200);
  });

  test('a share-link page: the tags carry the token, and a crawler holding only the link fetches the image', async () => {
    const share = `?share=${unlisted.share_token}`;
    const { tags, oembed } = await previewOf(visitor(), `/images/${unlisted.id}${share}`);
    assert.equal(tags['og:url'], `${ORIGIN}/images/${unlisted.id}${share}`);
    assert.equal(tags['og:image'], display(unlisted, share));
    const image = await visitor().request(tags['og:image']!.slice(ORIGIN.length));
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/webp');
    const answer = await visitor().request(oembed!.slice(ORIGIN.length));
    assert.equal(answer.status, 200);
    assert.equal((await answer.json()).url, display(unlisted, share));
  });

  test('a profile: its newest public image, on its first page in the usual order only; its canonical URL everywhere', async () => {
    const first = await previewOf(visitor(), '/u/embedder');
    assert.equal(first.tags['og:image'], display(pub));
    assert.equal(first.tags['og:url'], `${ORIGIN}/u/embedder`);
    const other = await previewOf(visitor(), '/u/embedder?sort=oldest');
    assert.equal(other.tags['og:image'], undefined);
    assert.equal(other.tags['og:url'], `${ORIGIN}/u/embedder`);
    // Signed in, the page (not cached whole) carries the same head.
    assert.equal((await previewOf(owner, '/u/embedder')).tags['og:image'], display(pub));
  });

  test('an album: a public one and a shared one preview their cover; a private one carries nothing', async () => {
    const albumOf = async (visibility: string) => {
      const id = (await owner.postForm('/albums', { title: `Trip ${visibility}`, description: 'Tide pools.', visibility })).headers.get('location')!.split('/')[2]!;
      await owner.postForm(`/albums/${id}/images`, { ids: pub.id, confirm: '1' });
      const [{ share_token }] = await t.sql<{ share_token: string | null }[]>`select share_token from albums where id = ${id}`;
      return { id, share: share_token ? `?share=${share_token}` : '' };
    };
    for (const visibility of ['public', 'unlisted']) {
      const album = await albumOf(visibility);
      const { tags, oembed } = await previewOf(visitor(), `/albums/${album.id}${album.share}`);
      assert.equal(tags['og:title'], `Trip ${visibility}`);
      assert.equal(tags['og:description'], 'Tide pools.');
      assert.equal(tags['og:url'], `${ORIGIN}/albums/${album.id}${album.share}`);
      assert.equal(tags['og:image'], `${ORIGIN}/albums/${album.id}/images/${pub.id}/display/${pub.display_hash}-${pub.epoch}.webp${album.share}`);
      assert.equal(tags['twitter:card'], 'summary_large_image');
      assert.equal((await visitor().request(tags['og:image']!.slice(ORIGIN.length))).status, 200);
      assert.equal((await visitor().request(oembed!.slice(ORIGIN.length))).status, 200);
    }
    const hidden = await albumOf('private');
    assert.deepEqual((await previewOf(owner, `/albums/${hidden.id}`)).tags, {});
  });

  test('a private image page carries no preview at all, even for its owner', async () => {
    const { tags, oembed, html } = await previewOf(owner, `/images/${priv.id}`);
    assert.deepEqual(tags, {});
    assert.equal(oembed, undefined);
    assert.doesNotMatch(html, /og:|twitter:|Share and embed/);
  });
});

describe('GET /oembed', () => {
  const ask = (url: string, extra = '') => visitor().request(`/oembed?url=${encodeURIComponent(url)}&format=json${extra}`);

  test('a public image: type photo, its display derivative and size, its title and owner', async () => {
    const res = await ask(`${ORIGIN}/images/${pub.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await res.json(), {
      version: '1.0', type: 'photo', title: 'Beach at dawn', url: display(pub), width: 1600, height: 800,
      author_name: 'embedder', author_url: `${ORIGIN}/u/embedder`, provider_name: 'Image Repository', provider_url: `${ORIGIN}/`,
    });
  });

  test('maxwidth and maxheight choose a derivative that fits; when none does, there is no answer', async () => {
    const body = await (await ask(`${ORIGIN}/images/${pub.id}`, '&maxwidth=500')).json();
    assert.deepEqual([body.width, body.height], [400, 200]);
    assert.match(body.url, /\/thumb\/[0-9a-f]{16}-\d+\.webp$/);
    const mid = await (await ask(`${ORIGIN}/images/${pub.id}`, '&maxwidth=900&maxheight=900')).json();
    assert.deepEqual([mid.width, mid.height], [800, 400]);
    assert.equal((await ask(`${ORIGIN}/images/${pub.id}`, '&maxwidth=300')).status, 404);
  });

  test('private, unknown, foreign and malformed URLs are 404 or 400; formats other than JSON are 501', async () => {
    assert.equal((await ask(`${ORIGIN}/images/${priv.id}`)).status, 404);
    // Even when its owner asks: oEmbed answers as a stranger would be answered.
    assert.equal((await owner.request(`/oembed?url=${encodeURIComponent(`${ORIGIN}/images/${priv.id}`)}`)).status, 404);
    assert.equal((await ask(`${ORIGIN}/images/${unlisted.id}`)).status, 404, 'an unlisted image without its token');
    assert.equal((await ask(`${ORIGIN}/images/${unlisted.id}?share=wrong`)).status, 404);
    assert.equal((await ask(`https://elsewhere.example/images/${pub.id}`)).status, 404);
    assert.equal((await ask(`${ORIGIN}/images/nope`)).status, 404);
    assert.equal((await ask(`${ORIGIN}/images/${pub.id}/images/${pub.id}`)).status, 404, 'no such page');
    assert.equal((await ask('not a url')).status, 404);
    assert.equal((await visitor().request('/oembed')).status, 400);
    assert.equal((await visitor().request(`/oembed?url=${encodeURIComponent(`${ORIGIN}/images/${pub.id}`)}&format=xml`)).status, 501);
  });

  test('a profile is embedded as its newest public image', async () => {
    const body = await (await ask(`${ORIGIN}/u/embedder`)).json();
    assert.equal(body.type, 'photo');
    assert.match(body.url, new RegExp(`/images/${pub.id}/display/`));
  });
});

describe('embedding on other sites', () => {
  const corp = async (client: TestClient, path: string) => {
    const res = await client.request(path);
    return [res.status, res.headers.get('cross-origin-resource-policy')];
  };

  test('public and share-link bytes are cross-origin; private ones, pages and the owner\'s exact original are same-origin', async () => {
    const share = `?share=${unlisted.share_token}`;
    for (const path of [new URL(display(pub)).pathname, `/images/${pub.id}/display.webp`, `/images/${pub.id}/original`]) {
      assert.deepEqual(await corp(visitor(), path), [200, 'cross-origin'], path);
    }
    for (const path of [`/images/${unlisted.id}/display.webp${share}`, `/images/${unlisted.id}/original${share}`]) {
      assert.deepEqual(await corp(visitor(), path), [200, 'cross-origin'], path);
    }
    assert.deepEqual(await corp(owner, new URL(display(priv)).pathname), [200, 'same-origin']);
    assert.deepEqual(await corp(owner, `/images/${priv.id}/display.webp`), [200, 'same-origin']);
    assert.deepEqual(await corp(owner, `/images/${pub.id}/original`), [200, 'same-origin'], 'the owner\'s exact bytes');
    assert.deepEqual(await corp(visitor(), `/images/${pub.id}`), [200, 'same-origin'], 'a page');
    assert.deepEqual(await corp(visitor(), `/images/${priv.id}/display.webp`), [404, 'same-origin']);
  });

  test('the direct link serves the display derivative the image has now, so it survives a re-encoding', async () => {
    const first = await visitor().request(`/images/${pub.id}/display.webp`);
    assert.equal(first.headers.get('content-type'), 'image/webp');
    assert.match(first.headers.get('cache-control')!, /^public, max-age=60$/);
    const before = Buffer.from(await first.arrayBuffer());
    // A re-encoding: a new display object under a new hash, the row pointing at it.
    const [row] = await t.sql<{ id: string; format: 'jpeg'; thumb_hash: string; thumb2x_hash: string }[]>`
      select id, format, thumb_hash, thumb2x_hash from images where id = ${pub.id}`;
    const fresh = { ...row!, display_hash: 'feedfacefeedface' };
    const reencoded = await jpeg(40, 20);
    await t.storage.put(objectKeys(fresh).display, reencoded, 'image/webp');
    await t.sql`update images set display_hash = ${fresh.display_hash} where id = ${pub.id}`;
    try {
      const after = await visitor().request(`/images/${pub.id}/display.webp`);
      assert.equal(after.status, 200);
      assert.deepEqual(Buffer.from(await after.arrayBuffer()), reencoded);
      assert.notDeepEqual(reencoded, before);
      assert.equal((await visitor().request(new URL(display(pub)).pathname)).status, 404, 'the old hashed URL names the old version');
    } finally {
      await t.sql`update images set display_hash = ${pub.display_hash} where id = ${pub.id}`;
    }
  });

  test('the image page offers page link, direct link, Markdown, HTML and BBCode as text to copy', async () => {
    const html = await (await visitor().request(`/images/${pub.id}`)).text();
    const values = Object.fromEntries([...html.matchAll(/<input id="embed-(\w+)" type="text" readonly="" value="([^"]*)"/g)]
      .map(([, k, v]) => [k, v!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')]));
    const page = `${ORIGIN}/images/${pub.id}`;
    const direct = `${page}/display.webp`;
    assert.deepEqual(values, {
      page,
      direct,
      markdown: `![Sand & "sea" \\[wide\\]](${direct})`,
      html: `<img src="${direct}" alt="Sand &amp; &quot;sea&quot; [wide]" width="1600" height="800">`,
      bbcode: `[url=${page}][img]${direct}[/img][/url]`,
    });
    // Copy buttons exist for scripts to show; without them the fields are the way.
    assert.equal([...html.matchAll(/<button type="button" class="secondary" data-copy="embed-\w+"[^>]* hidden/g)].length, 5);
  });

  test('embed codes escape what would break out of Markdown or HTML', () => {
    const codes = embedCodes('https://x/p', 'https://x/d.webp', { alt: 'a]b\\c\n<x y="1">', width: 3, height: 4 });
    assert.equal(codes.markdown, '![a\\]b\\\\c <x y="1">](https://x/d.webp)');
    assert.equal(codes.html, '<img src="https://x/d.webp" alt="a]b\\c\n&lt;x y=&quot;1&quot;&gt;" width="3" height="4">');
  });
});

describe('EMBED_ORIGINS', () => {
  let limited: TestApp;
  let img: Row;
  before(async () => {
    limited = await startTestApp({ EMBED_ORIGINS: 'https://blog.example, https://forum.example:8443' });
    const user = await newUser(limited, 'hotlinked');
    await user.upload([{ name: 'a.jpg', data: await jpeg(64, 48) }], 'public');
    [img] = await limited.sql<Row[]>`select id, display_hash, epoch, share_token from images`;
  });
  after(() => limited.close());

  test('only listed origins (and ours) may show public images; direct visits and tools still may', async () => {
    const get = (headers: Record<string, string>) => new TestClient(limited).request(`/images/${img!.id}/display.webp`, { headers });
    const allowed: Record<string, string>[] = [
      { Referer: 'https://blog.example/post/1', 'Sec-Fetch-Site': 'cross-site' },
      { Referer: 'https://forum.example:8443/t/2' },
      { Referer: `${ORIGIN}/gallery`, 'Sec-Fetch-Site': 'same-origin' },
      { 'Sec-Fetch-Site': 'none' },
      // A link to the image followed from anywhere: a visit, not an embedding.
      { Referer: 'https://elsewhere.example/', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' },
      {},
    ];
    for (const headers of allowed) {
      const res = await get(headers);
      assert.equal(res.status, 200, JSON.stringify(headers));
      assert.match(res.headers.get('vary')!, /Referer, Sec-Fetch-Site/);
    }
    const refused: Record<string, string>[] = [
      { Referer: 'https://elsewhere.example/', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' },
      { Referer: 'https://blog.example.evil/' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
    ];
    for (const headers of refused) {
      assert.equal((await get(headers)).status, 403, JSON.stringify(headers));
    }
  });

  test('a setting that is not a list of origins refuses to start, naming it', async () => {
    const { loadConfig, ConfigError } = await import('../config.ts');
    assert.throws(() => loadConfig({ EMBED_ORIGINS: 'blog.example' }), (e: Error) => e instanceof ConfigError && /EMBED_ORIGINS/.test(e.message));
    assert.throws(() => loadConfig({ EMBED_ORIGINS: 'https://blog.example/path' }), ConfigError);
    assert.deepEqual(loadConfig({ EMBED_ORIGINS: 'https://a.example/, http://b.example:81' }).embedOrigins, ['https://a.example', 'http://b.example:81']);
  });
});
