// `npm run screenshots`: the README's pictures of the main pages, light and dark, so they stay
// current; and the same at device scale factor 2 (the `hidpi` project, `*-2x.png`; not in the
// README), where the browser shows every srcset's 2x candidate. Skipped in the normal browser suite.
import { test, type Page } from '@playwright/test';
import { join } from 'node:path';
import sharp from 'sharp';
import { expectImagesLoaded, signUp } from './support.ts';

test.skip(!process.env.SCREENSHOTS, 'run with `npm run screenshots`');

const OUT = join(import.meta.dirname, 'screenshots');

async function photo(hue: number) {
  const w = 900;
  const h = 600;
  const pixels = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      pixels[i] = (hue + x / 6) % 256;
      pixels[i + 1] = (120 + y / 4) % 256;
      pixels[i + 2] = (200 - x / 8 + hue) % 256;
    }
  }
  return sharp(pixels, { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer();
}

async function shoot(page: Page, name: string, scheme: string) {
  const density = test.info().project.use.deviceScaleFactor === 2 ? '-2x' : '';
  await page.screenshot({ path: join(OUT, `${name}-${scheme}${density}.png`), fullPage: false });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots (${scheme})`, async ({ browser }) => {
    const page = await (await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 } })).newPage();
    const name = `demo${scheme}${Date.now().toString(36).slice(-4)}`;
    await page.goto('/');
    await shoot(page, 'home', scheme);
    await signUp(page, name);
    await page.goto('/upload');
    await page.getByRole('radio', { name: /^Public/ }).check();
    const files = await Promise.all(['harbour', 'meadow', 'dunes', 'forest', 'lake', 'city'].map(async (n, i) => ({
      name: `${n}.jpg`, mimeType: 'image/jpeg', buffer: await photo(i * 40 + (scheme === 'dark' ? 20 : 0)),
    })));
    await page.getByLabel('Images', { exact: true }).setInputFiles(files);
    await shoot(page, 'upload', scheme);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('heading', { name: /6 of 6 images uploaded/ }).waitFor();
    // Thumbnails load lazily (and at 2x are larger): shoot once every one has arrived.
    await page.goto('/dashboard');
    await expectImagesLoaded(page);
    await shoot(page, 'dashboard', scheme);
    await page.goto('/gallery');
    await expectImagesLoaded(page);
    await shoot(page, 'gallery', scheme);
    await page.getByRole('link', { name: 'meadow.jpg' }).first().click();
    await expectImagesLoaded(page);
    await shoot(page, 'image', scheme);
  });
}
