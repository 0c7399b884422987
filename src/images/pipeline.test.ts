import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { animatedGif, jpeg, jpegWithLocation, makeImage, pixelFloodPng, readTags } from '../test-support/fixtures.ts';
import { ImageRejected, makeCleanCopy, processImage, SIZES } from './pipeline.ts';
import { estimateJpegQuality } from './jpeg-quality.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-pipeline-'));
});
after(() => rm(dir, { recursive: true, force: true }));

let n = 0;
/** Runs the pipeline on `data`; returns its result and the clean full-size copy made from the same file. */
async function run(data: Buffer, maxPixels = 100_000_000) {
  const path = join(dir, `in-${++n}`);
  await writeFile(path, data);
  const limits = { maxPixels, memoryBytes: 384 * 1024 * 1024 };
  const img = await processImage(path, limits);
  // Made apart, as on its first request (images/clean-copy.ts).
  const cleanBytes = await makeCleanCopy(path, `${path}.clean`, limits);
  return { img, cleanBytes, clean: await readFile(`${path}.clean`) };
}

const rejects = (data: Buffer, message: RegExp, maxPixels?: number) =>
  assert.rejects(run(data, maxPixels), (err: Error) => err instanceof ImageRejected && message.test(err.message));

describe('processImage', () => {
  for (const format of ['jpeg', 'png', 'webp', 'gif', 'avif'] as const) {
    test(`${format} in: WebP derivatives out, a clean ${format} copy at full size`, async () => {
      const { img, clean, cleanBytes } = await run(await makeImage(format, 2000, 1000));
      assert.equal(img.format, format);
      assert.deepEqual([img.width, img.height], [2000, 1000]);
      for (const [name, size] of Object.entries(SIZES)) {
        const d = await sharp(img[name as keyof typeof SIZES].data).metadata();
        assert.equal(d.format, 'webp', name);
        assert.equal(Math.max(d.width, d.height), Math.min(size, 2000), name);
      }
      const c = await sharp(clean).metadata();
      assert.equal(c.format === 'heif' ? 'avif' : c.format, format);
      assert.deepEqual([c.width, c.height], [2000, 1000]);
      assert.equal(cleanBytes, clean.length);
      assert.match(img.placeholder, /^[A-Za-z0-9+/]+=*$/);
    });
  }

  test('small images are never enlarged', async () => {
    const { img } = await run(await jpeg(120, 80));
    assert.deepEqual(await sharp(img.display.data).metadata().then((m) => [m.width, m.height]), [120, 80]);
  });

  test('an animated GIF stays animated in every derivative and the clean copy', async () => {
    const { img, clean } = await run(await animatedGif());
    assert.equal(img.format, 'gif');
    assert.deepEqual([img.width, img.height], [64, 48]);
    for (const data of [img.thumb.data, img.thumb2x.data, img.display.data, clean]) {
      assert.equal((await sharp(data).metadata()).pages, 2);
    }
  });

  test('EXIF orientation 6 comes out upright, with no orientation tag left', async () => {
    const sideways = await sharp(await jpeg(300, 200)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const { img, clean } = await run(sideways);
    assert.deepEqual([img.width, img.height], [200, 300]);
    for (const data of [img.display.data, clean]) {
      const m = await sharp(data).metadata();
      assert.deepEqual([m.width, m.height], [200, 300]);
      assert.equal(m.orientation, undefined);
    }
  });

  test('GPS, EXIF, XMP and IPTC are in none of the outputs', async () => {
    const photo = await jpegWithLocation();
    const tags = await readTags(photo);
    assert.ok(tags['EXIF:GPSLatitude'], 'the fixture really carries GPS');
    assert.equal(tags['XMP:Creator'], 'Alice Secret');
    const { img, clean } = await run(photo);
    for (const data of [img.thumb.data, img.thumb2x.data, img.display.data, clean]) {
      const out = JSON.stringify(await readTags(data));
      for (const secret of ['GPS', 'SecretCam', 'Alice Secret', 'Paris']) assert.doesNotMatch(out, new RegExp(secret));
      const m = await sharp(data).metadata();
      assert.equal(m.exif ?? m.xmp ?? m.iptc, undefined);
    }
  });

  test('a JPEG with HTML appended (polyglot) is re-encoded without the payload', async () => {
    const payload = '<html><script>alert(document.cookie)</script></html>';
    const { clean } = await run(Buffer.concat([await jpeg(200, 100), Buffer.from(payload)]));
    assert.equal(clean.includes('<script>'), false);
    assert.equal((await sharp(clean).metadata()).format, 'jpeg');
  });

  test('a pixel flood PNG is refused at once', async () => {
    const bomb = pixelFloodPng(50_000);
    assert.ok(bomb.length < 200_000);
    const started = performance.now();
    await rejects(bomb, /too large: more than 100,000,000 pixels/);
    assert.ok(performance.now() - started < 1000, 'refused from the header, before decoding');
  });

  test('the pixel limit is configurable', async () => {
    await rejects(await jpeg(200, 200), /more than 10,000 pixels/, 10_000);
  });

  test('refuses truncated, SVG, HTML renamed .png, and non-images', async () => {
    const full = await makeImage('png', 300, 300);
    await rejects(full.subarray(0, Math.floor(full.length * 0.7)), /damaged or incomplete/);
    const cut = await jpeg(300, 300);
    await rejects(cut.subarray(0, Math.floor(cut.length * 0.6)), /damaged or incomplete/);
    await rejects(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'), /Not an image we can read/);
    await rejects(Buffer.from('<!doctype html><p>hello</p>'), /Not an image we can read/);
    await rejects(Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\n'), /Not an image we can read/);
  });

  test('a truncated JPEG large enough to be shrunk while decoded is still refused', async () => {
    // 4800 px to 1600: libvips decodes it at half size (JPEG shrink-on-load), still to its end.
    const big = await sharp({ create: { width: 4800, height: 3600, channels: 3, background: '#3a6ea5', noise: { type: 'gaussian', mean: 120, sigma: 30 } } })
      .jpeg({ quality: 60 }).toBuffer();
    assert.ok((await run(big)).img.display.data.length > 0, 'the whole file is accepted');
    for (const kept of [0.5, 0.95]) await rejects(big.subarray(0, Math.floor(big.length * kept)), /damaged or incomplete/);
  });

  test('a still image moves on to its encodes once, when its decode has ended; a damaged one or an animation never', async () => {
    const limits = { maxPixels: 100_000_000, memoryBytes: 384 * 1024 * 1024 };
    const calls = async (data: Buffer) => {
      const path = join(dir, `in-${++n}`);
      await writeFile(path, data);
      let count = 0;
      await processImage(path, limits, async () => void (count += 1)).catch((err) => assert.ok(err instanceof ImageRejected));
      return count;
    };
    const photo = await jpeg(300, 300);
    assert.equal(await calls(photo), 1);
    // The decode runs to the end of the data before any encode: a cut file never gets that far.
    assert.equal(await calls(photo.subarray(0, Math.floor(photo.length * 0.6))), 0);
    // An animation is encoded as it is decoded, all within its decode slot.
    assert.equal(await calls(await animatedGif()), 0);
  });

  test('the clean copy of a JPEG is never encoded at a higher quality than its source had, nor above 85', async () => {
    const photo = (quality: number) => sharp(Buffer.from(Array.from({ length: 300 * 200 * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width: 300, height: 200, channels: 3 } })
      .jpeg({ quality }).toBuffer();
    for (const [source, most] of [[60, 60], [80, 80], [97, 85]] as const) {
      const data = await photo(source);
      assert.equal(estimateJpegQuality(data), source);
      const { clean } = await run(data);
      assert.ok(estimateJpegQuality(clean)! <= most, `q${source}: its copy at q${estimateJpegQuality(clean)}`);
    }
  });

  test('formats sharp can read but we do not accept are refused by name (TIFF)', async () => {
    const tiff = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#f00' } }).tiff().toBuffer();
    await rejects(tiff, /Not an image we can read|Unsupported format/);
  });
});
