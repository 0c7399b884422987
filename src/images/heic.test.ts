// HEIC (HEVC in HEIF, the iPhone's default): decoded by libheif (WebAssembly) in a worker,
// made into the same derivatives as every format. The files are real HEICs made by libheif's own
// encoder (heif-enc, Debian's libheif-examples) in the tests.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { heic, jpeg, jpegWithExif, readTags } from '../test-support/fixtures.ts';
import { ImageRejected, makeCleanCopy, processImage, SIZES } from './pipeline.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cir-heic-'));
});
after(() => rm(dir, { recursive: true, force: true }));

let n = 0;
async function run(data: Buffer, limits = { maxPixels: 100_000_000, memoryBytes: 384 * 1024 * 1024 }) {
  const path = join(dir, `in-${++n}`);
  await writeFile(path, data);
  const img = await processImage(path, limits);
  const cleanBytes = await makeCleanCopy(path, `${path}.clean`, limits);
  return { img, cleanBytes, clean: await readFile(`${path}.clean`) };
}

describe('processImage with HEIC', () => {
  test('an iPhone-like HEIC: WebP derivatives, a metadata-free JPEG copy, its camera details read first', async () => {
    const file = await heic(await jpegWithExif(2000, 1500));
    assert.equal((await sharp(file).metadata()).compression, 'hevc', 'a real HEVC-coded HEIF');
    const { img, clean } = await run(file);
    assert.equal(img.format, 'heic');
    assert.deepEqual([img.width, img.height], [2000, 1500]);
    for (const [name, size] of Object.entries(SIZES)) {
      const d = await sharp(img[name as keyof typeof SIZES].data).metadata();
      assert.equal(d.format, 'webp', name);
      assert.equal(Math.max(d.width, d.height), size, name);
    }
    const c = await sharp(clean).metadata();
    assert.deepEqual([c.format, c.width, c.height, c.exif, c.xmp, c.icc === undefined || c.icc.length > 0], ['jpeg', 2000, 1500, undefined, undefined, true]);
    const tags = Object.keys(await readTags(clean)).join(' ');
    assert.doesNotMatch(tags, /GPS|Make|Model|DateTimeOriginal/);
    assert.equal(img.details.camera_model, 'iPhone 15 Pro');
    assert.equal(img.details.latitude, 48.8584);
    assert.equal(img.details.taken_offset, '+02:00');
    assert.equal(img.note, undefined);
  });

  test('several images in one file: the primary one is kept, and the result says so', async () => {
    const { img } = await run(await heic(await jpeg(600, 400), await jpeg(300, 500)));
    assert.deepEqual([img.width, img.height], [600, 400]);
    assert.match(img.note!, /holds 2 images .* primary image was kept/);
  });

  test('past the decode memory budget it is refused before anything is decoded; a damaged one is refused', async () => {
    const file = await heic(await jpeg(800, 600));
    // 16 bytes per pixel: 4 MB of budget allows 262,144 pixels, fewer than 480,000.
    await assert.rejects(run(file, { maxPixels: 100_000_000, memoryBytes: 4 * 1024 * 1024 }),
      (err: Error) => err instanceof ImageRejected && /A HEIC is too large: more than 262,144 pixels/.test(err.message));
    const cut = file.subarray(0, Math.floor(file.length * 0.6));
    await assert.rejects(run(cut), (err: Error) => err instanceof ImageRejected && /damaged or incomplete/.test(err.message));
  });
});
