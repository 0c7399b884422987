// `npm run screenshots`: the README's pictures of the main pages, light and dark, so they stay
// current; and the same at device scale factor 2 (the `hidpi` project, `*-2x.png`; not in the
// README), where the browser shows every srcset's 2x candidate. Skipped in the normal browser suite.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import sharp from 'sharp';
import { expectImagesLoaded, PASSWORD, signUp } from './support.ts';
import { adminPage } from './admin-session.ts';

test.skip(!process.env.SCREENSHOTS, 'run with `npm run screenshots`');

const OUT = join(import.meta.dirname, 'screenshots');

/** A soft two-tone landscape of `w` x `h`: sky, hills and a sun, different for each `hue`. */
async function photo(hue: number, w = 900, h = 600) {
  const pixels = Buffer.alloc(w * h * 3);
  const sun = { x: w * (0.25 + (hue % 50) / 100), y: h * 0.3, r: Math.min(w, h) * 0.08 };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const hill = h * (0.62 + 0.08 * Math.sin(x / w * 6 + hue));
      const inSun = (x - sun.x) ** 2 + (y - sun.y) ** 2 < sun.r ** 2;
      const t = y / h;
      const [r, g, b] = inSun ? [255, 214, 120]
        : y > hill ? [40 + (hue % 60), 90 + t * 60, 60 + (hue % 40)]
          : [90 + hue % 120 + t * 80, 140 + t * 60, 220 - t * 40];
      pixels[i] = r; pixels[i + 1] = g; pixels[i + 2] = b;
    }
  }
  return sharp(pixels, { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer();
}

async function shoot(page: Page, name: string, scheme: string) {
  const density = test.info().project.use.deviceScaleFactor === 2 ? '-2x' : '';
  await page.screenshot({ path: join(OUT, `${name}-${scheme}${density}.png`), fullPage: false });
}

const SHAPES: [string, number, number][] = [
  ['harbour', 900, 600], ['meadow', 900, 600], ['tower', 600, 900], ['dunes', 1000, 600], ['forest', 700, 1000],
  ['lake', 900, 600], ['city', 800, 800], ['coast', 1200, 600], ['valley', 900, 650], ['cliff', 640, 960],
];

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots (${scheme})`, { tag: '@2x' }, async ({ browser }) => {
    // The admin first: whoever signs up first on a fresh server runs it.
    const admin = await adminPage(browser);
    const page = await (await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 } })).newPage();
    const name = `demo${scheme}${Date.now().toString(36).slice(-4)}`;
    await signUp(page, name);
    await page.goto('/upload');
    await page.getByRole('radio', { name: /^Public/ }).check();
    const files = await Promise.all(SHAPES.map(async ([n, w, h], i) => ({
      name: `${n}.jpg`, mimeType: 'image/jpeg', buffer: await photo(i * 37 + (scheme === 'dark' ? 20 : 0), w, h),
    })));
    await page.getByLabel('Images', { exact: true }).setInputFiles(files);
    // Once every preview is drawn.
    await expect.poll(() => page.evaluate(() => [...document.querySelectorAll<HTMLImageElement>('#previews img')]
      .every((img) => img.complete && img.naturalWidth > 0))).toBe(true);
    await page.evaluate(() => Promise.all([...document.querySelectorAll<HTMLImageElement>('#previews img')].map((img) => img.decode())));
    await shoot(page, 'upload', scheme);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('heading', { name: `${SHAPES.length} of ${SHAPES.length} images uploaded` }).waitFor({ timeout: 90_000 });
    // Thumbnails load lazily (and at 2x are larger): shoot once every one has arrived.
    await page.goto('/dashboard');
    await expectImagesLoaded(page);
    await shoot(page, 'dashboard', scheme);
    await page.goto('/gallery');
    await expectImagesLoaded(page);
    await shoot(page, 'gallery', scheme);
    // The viewer, opened from the grid.
    await page.getByRole('link', { name: 'meadow.jpg', exact: true }).first().click();
    await page.locator('.pswp--open').waitFor();
    await page.waitForTimeout(500); // the opening zoom animation
    await shoot(page, 'viewer', scheme);
    await page.keyboard.press('Escape');
    await page.goto(await page.getByRole('link', { name: 'tower.jpg', exact: true }).first().getAttribute('href') ?? '/');
    await expectImagesLoaded(page);
    await shoot(page, 'image', scheme);

    // An album of them, made from the dashboard's bulk bar, as its owner sees it and on a phone.
    await page.goto('/albums');
    await page.getByText('New album', { exact: true }).click();
    await page.getByLabel('Title').fill('Summer by the sea');
    await page.getByLabel('Description').fill('Two weeks on the coast: harbours, dunes, a lighthouse and the long way home.');
    await page.getByRole('radio', { name: /^Public/ }).check();
    await page.getByRole('button', { name: 'Create album' }).click();
    const album = page.url();
    await page.goto('/dashboard');
    await page.getByRole('button', { name: 'Select all' }).click();
    await page.getByLabel('With the selected images').selectOption('album');
    await page.getByLabel('Album to add them to').selectOption({ label: 'Summer by the sea (public)' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.goto(album);
    await expectImagesLoaded(page);
    await shoot(page, 'album', scheme);
    await page.goto('/albums');
    await expectImagesLoaded(page);
    await shoot(page, 'albums', scheme);

    // The landing page for a visitor, and the gallery on a phone.
    const visitor = await (await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 } })).newPage();
    await visitor.goto('/');
    await expectImagesLoaded(visitor);
    await shoot(visitor, 'home', scheme);
    const phone = await (await browser.newContext({ colorScheme: scheme, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true })).newPage();
    await phone.goto('/gallery');
    await expectImagesLoaded(phone);
    await shoot(phone, 'phone', scheme);
    await phone.goto(album);
    await expectImagesLoaded(phone);
    await shoot(phone, 'album-phone', scheme);

    // Account security: setting up two-factor login, and the login page.
    await page.goto('/settings/2fa');
    await shoot(page, 'two-factor', scheme);
    await visitor.goto('/login');
    await shoot(visitor, 'login', scheme);

    // The API: a token just made, with its curl command and ShareX uploader.
    await page.goto('/settings/tokens');
    await page.getByLabel(/^Name/).fill('ShareX on my laptop');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect(page.getByText('Copy this token now')).toBeVisible();
    await shoot(page, 'api-token', scheme);

    // Running the instance: someone reports an image, and the admin's reports page shows it.
    const reporter = await (await browser.newContext({ colorScheme: scheme })).newPage();
    await signUp(reporter, `seen${scheme}${Date.now().toString(36).slice(-4)}`);
    await reporter.goto(`/u/${name}`);
    // The image's page (a click on the tile would open the viewer).
    await reporter.goto(await reporter.getByRole('link', { name: 'harbour.jpg', exact: true }).first().getAttribute('href') ?? '/');
    await reporter.getByText('Report', { exact: true }).click();
    await reporter.getByLabel('Reason').selectOption('copyright');
    await reporter.getByLabel(/^Details/).fill('This is my photo, posted without my permission.');
    await reporter.getByRole('button', { name: 'Send report' }).click();
    await expect(reporter.getByText('Thanks, the report was sent to the admins.')).toBeVisible();
    await admin.emulateMedia({ colorScheme: scheme });
    await admin.setViewportSize({ width: 1280, height: 800 });
    await admin.goto('/admin/reports');
    await expectImagesLoaded(admin);
    await shoot(admin, 'admin-reports', scheme);
    await admin.goto('/admin/users');
    await shoot(admin, 'admin-people', scheme);
  });
}
