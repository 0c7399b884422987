// Camera and location data are the owner's alone: read into columns at upload, shown on the
// owner's page, and absent from every page, tag, feed, oEmbed answer and byte anyone else gets.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import yauzl from 'yauzl';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser, ORIGIN, TestClient } from '../test-support/client.ts';
import { heic, jpeg, jpegWithExif, readTags } from '../test-support/fixtures.ts';

let t: TestApp;
let owner: TestClient;
const visitor = () => new TestClient(t);
type Row = { id: string; filename: string; thumb_hash: string; thumb2x_hash: string; display_hash: string; epoch: number; share_token: string | null };
let photo: Row; // a public JPEG from a phone
let phone: Row; // a public HEIC from a phone
let linked: Row; // an unlisted JPEG from a phone
let album: string;
let heicBytes: Buffer;

// What a page or a file must never say to anyone but the owner.
// (The lists' "Date taken" sort is the words of the sort, not of a photo.)
const SECRETS = /iPhone|Apple|48\.858|2\.294|openstreetmap|Location|Taken|Camera|Lens|Aperture|\bISO\b|GPS|f\/1\.8|1\/250/;
const rowOf = async (filename: string) => (await t.sql<Row[]>`
  select id, filename, thumb_hash, thumb2x_hash, display_hash, epoch, share_token from images where filename = ${filename}`)[0]!;

before(async () => {
  t = await startTestApp();
  owner = await newUser(t, 'photographer');
  heicBytes = await heic(await jpegWithExif(1200, 900));
  const res = await owner.upload([
    { name: 'paris.jpg', data: await jpegWithExif(800, 600) },
    { name: 'IMG_0001.HEIC', data: heicBytes, type: 'image/heic' },
  ], 'public');
  assert.equal(res.status, 200);
  await owner.upload([{ name: 'linked.jpg', data: await jpegWithExif(700, 500) }], 'private');
  [photo, phone, linked] = await Promise.all(['paris.jpg', 'IMG_0001.HEIC', 'linked.jpg'].map(rowOf)) as [Row, Row, Row];
  await owner.postForm(`/images/${linked.id}/visibility`, { visibility: 'unlisted', expires: 'never' });
  linked = await rowOf('linked.jpg');
  album = (await owner.postForm('/albums', { title: 'Paris', visibility: 'public' })).headers.get('location')!.split('/')[2]!;
  await owner.postForm(`/albums/${album}/images`, { ids: photo.id, confirm: '1' });
  await owner.postForm(`/albums/${album}/images`, { ids: phone.id, confirm: '1' });
});
after(() => t.close());

describe('photo details', () => {
  test('are read into columns at upload, from JPEG and HEIC alike', async () => {
    const rows = await t.sql`select filename, taken_at, taken_offset, camera_make, camera_model, lens, focal_length, aperture,
      exposure_time, iso, latitude, longitude from images where id in ${t.sql([photo.id, phone.id])} order by filename`;
    for (const row of rows) {
      assert.deepEqual({ ...row, filename: undefined }, {
        filename: undefined, taken_at: new Date('2024-06-01T12:30:15Z'), taken_offset: '+02:00', camera_make: 'Apple',
        camera_model: 'iPhone 15 Pro', lens: 'iPhone 15 Pro back triple camera 6.86mm f/1.78', focal_length: 6.86, aperture: 1.78,
        exposure_time: 0.004, iso: 80, latitude: 48.8584, longitude: 2.2945,
      }, row.filename);
    }
  });

  test('the owner\'s page shows them, with the coordinates as text and a link out to a map', async () => {
    const html = await (await owner.request(`/images/${photo.id}`)).text();
    assert.match(html, /<dt>Taken<\/dt><dd>2024-06-01 14:30 \(UTC\+02:00\)<\/dd>/);
    assert.match(html, /<dt>Camera<\/dt><dd>Apple iPhone 15 Pro<\/dd>/);
    assert.match(html, /<dt>Aperture<\/dt><dd>f\/1\.8<\/dd><dt>Exposure<\/dt><dd>1\/250 s<\/dd><dt>ISO<\/dt><dd>80<\/dd>/);
    assert.match(html, /<span>48\.8584, 2\.2945<\/span> <a href="https:\/\/www\.openstreetmap\.org\/\?mlat=48\.8584&amp;mlon=2\.2945/);
    // A link out: the page itself loads nothing from a map service.
    assert.doesNotMatch(html, /<(img|iframe|script)[^>]+openstreetmap/);
  });

  test('no page, preview, feed or oEmbed answer says anything of them to anyone else', async () => {
    const someone = await newUser(t, 'curious');
    const share = `?share=${linked.share_token}`;
    const paths = [
      `/images/${photo.id}`, `/images/${phone.id}`, `/images/${linked.id}${share}`, `/albums/${album}`, `/albums/${album}/images/${photo.id}`,
      '/', '/gallery', '/gallery?sort=taken', '/u/photographer', '/u/photographer?sort=taken', '/gallery.atom', '/u/photographer.atom',
      ...[`/images/${photo.id}`, `/images/${linked.id}${share}`, `/albums/${album}`, '/u/photographer']
        .map((p) => `/oembed?url=${encodeURIComponent(`${ORIGIN}${p}`)}&format=json`),
    ];
    for (const client of [visitor(), someone]) {
      for (const path of paths) {
        const res = await client.request(path);
        assert.equal(res.status, 200, path);
        const text = await res.text();
        // Usernames and titles are the owner's words; the rest must be silent.
        assert.doesNotMatch(text.replace(/photographer|IMG_0001\.HEIC|paris\.jpg|linked\.jpg/g, ''), SECRETS, path);
      }
    }
  });

  test('no byte anyone else gets carries them: derivatives, direct links, clean copies, the album zip', async () => {
    const share = `?share=${linked.share_token}`;
    const paths = [photo, phone].flatMap((r) => [
      `/images/${r.id}/original`, `/images/${r.id}/display.webp`,
      ...(['thumb', 'thumb2x', 'display'] as const).map((v) => `/images/${r.id}/${v}/${r[`${v}_hash`]}-${r.epoch}.webp`),
      `/albums/${album}/images/${r.id}/original`, `/albums/${album}/images/${r.id}/display.webp`,
    ]).concat([`/images/${linked.id}/original${share}`, `/images/${linked.id}/display.webp${share}`]);
    for (const path of paths) {
      const res = await visitor().request(path);
      assert.equal(res.status, 200, path);
      const tags = await readTags(Buffer.from(await res.arrayBuffer()));
      const found = Object.entries(tags).filter(([k]) => /^(EXIF|XMP|IPTC|Composite):/.test(k) && !/ImageSize|Megapixels/.test(k));
      assert.deepEqual(found, [], path);
    }
    const zip = Buffer.from(await (await visitor().request(`/albums/${album}/download`)).arrayBuffer());
    for (const entry of await unzip(zip)) {
      const tags = await readTags(entry.data);
      assert.ok(!Object.keys(tags).some((k) => /GPS|Make|Model|DateTimeOriginal/.test(k)), entry.name);
    }
  });

  test('a HEIC: its owner keeps the exact bytes; everyone else gets a JPEG, named as one', async () => {
    const own = await owner.request(`/images/${phone.id}/original?download=1`);
    assert.equal(own.headers.get('content-type'), 'image/heic');
    assert.match(own.headers.get('content-disposition')!, /filename="IMG_0001\.HEIC"/);
    const sha = (b: ArrayBuffer | Buffer) => createHash('sha256').update(Buffer.from(b as ArrayBuffer)).digest('hex');
    assert.equal(sha(await own.arrayBuffer()), sha(heicBytes));
    const theirs = await visitor().request(`/images/${phone.id}/original?download=1`);
    assert.equal(theirs.headers.get('content-type'), 'image/jpeg');
    assert.match(theirs.headers.get('content-disposition')!, /filename="IMG_0001\.jpg"/);
    const zip = await unzip(Buffer.from(await (await visitor().request(`/albums/${album}/download`)).arrayBuffer()));
    assert.deepEqual(zip.map((e) => e.name).sort(), ['IMG_0001.jpg', 'paris.jpg']);
    // Each page names the format its reader downloads.
    assert.match(await (await owner.request(`/images/${phone.id}`)).text(), /<dt>Format<\/dt><dd>HEIC<\/dd>/);
    assert.match(await (await visitor().request(`/images/${phone.id}`)).text(), /<dt>Format<\/dt><dd>JPEG<\/dd>/);
  });

  test('a plain photo without EXIF has no details and its owner\'s page says nothing about them', async () => {
    await owner.upload([{ name: 'plain.jpg', data: await jpeg(64, 48) }], 'private');
    const plain = await rowOf('plain.jpg');
    const html = await (await owner.request(`/images/${plain.id}`)).text();
    assert.doesNotMatch(html, /<dt>(Taken|Camera|Location)<\/dt>/);
  });
});

/** The entries of a zip, read whole. */
function unzip(data: Buffer): Promise<{ name: string; data: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const entries: { name: string; data: Buffer }[] = [];
      zip.on('entry', (entry: yauzl.Entry) => zip.openReadStream(entry, (e, stream) => {
        if (e) return reject(e);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
          entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
          zip.readEntry();
        });
      }));
      zip.on('end', () => resolve(entries)).on('error', reject);
      zip.readEntry();
    });
  });
}
