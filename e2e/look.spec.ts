// The look and feel: justified rows, the landing page, bulk actions that cannot surprise, forms
// that keep their place, local times and the small helps around them.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { photo, signUp, uniqueName } from './support.ts';

// Landscape, portrait, tall phone portrait, near-square, square, portrait: none wider than 3:2,
// so a 360 px phone must fit at least two of them in every full row.
const SHAPES: [string, number, number][] = [
  ['beach-sunset-1.jpg', 900, 600], ['tower.jpg', 600, 900], ['beach-sunset-2.jpg', 540, 960],
  ['hubble.jpg', 1000, 872], ['square.jpg', 800, 800], ['door.jpg', 700, 1000],
];

let owner = '';
let state = '';

/** Signs up the owner once and uploads SHAPES in one request (visibility as given). */
async function uploadShapes(page: Page, visibility: 'Public' | 'Private') {
  await page.goto('/upload');
  await page.getByRole('radio', { name: new RegExp(`^${visibility}`) }).check();
  await page.getByLabel('Images', { exact: true }).setInputFiles(await Promise.all(SHAPES.map(async ([name, w, h], i) => ({
    name, mimeType: 'image/jpeg', buffer: await photo(60 + i * 29 + (visibility === 'Public' ? 0 : 7), w, h),
  }))));
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('heading', { name: `${SHAPES.length} of ${SHAPES.length} images uploaded` })).toBeVisible({ timeout: 90_000 });
}

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  owner = uniqueName('look');
  await signUp(page, owner);
  await uploadShapes(page, 'Public');
  state = JSON.stringify(await context.storageState());
  await context.close();
});

const ownerPage = async (browser: Browser, options: Parameters<Browser['newContext']>[0] = {}) =>
  (await browser.newContext({ ...options, storageState: JSON.parse(state) })).newPage();

/** Each tile's box and its image's natural shape, grouped into rows by their top edge. */
async function rows(page: Page) {
  const tiles = await page.locator('#images li.tile').evaluateAll((els) => els.map((el) => {
    const box = el.querySelector('a.thumb')!.getBoundingClientRect();
    const img = el.querySelector('img')!;
    return { top: Math.round(box.top), width: box.width, height: box.height, ratio: Number(img.getAttribute('width')) / Number(img.getAttribute('height')) };
  }));
  const byTop = new Map<number, typeof tiles>();
  for (const t of tiles) byTop.set(t.top, [...(byTop.get(t.top) ?? []), t]);
  return { count: tiles.length, rows: [...byTop.values()] };
}

for (const colorScheme of ['light', 'dark'] as const) {
  for (const [width, height] of [[1280, 800], [360, 740]] as const) {
    for (const javaScriptEnabled of [true, false]) {
      test(`justified rows at ${width} px (${colorScheme}, ${javaScriptEnabled ? 'JS' : 'no JS'})`, async ({ browser }) => {
        const page = await (await browser.newContext({ viewport: { width, height }, colorScheme, javaScriptEnabled })).newPage();
        await page.goto(`/u/${owner}`);
        const { count, rows: found } = await rows(page);
        expect(count).toBe(SHAPES.length);
        for (const row of found) {
          // One height per row, and every image at its own shape (within the 2% step of the classes).
          for (const t of row) {
            expect(Math.abs(t.height - row[0]!.height), 'equal heights in a row').toBeLessThanOrEqual(1);
            expect(Math.abs(t.width / t.height / t.ratio - 1), 'aspect ratio kept').toBeLessThan(0.025);
          }
        }
        // Full rows reach the grid's right edge; the last one is not stretched past its natural size.
        const grid = await page.locator('#images').boundingBox();
        for (const row of found.slice(0, -1)) {
          const used = row.reduce((sum, t) => sum + t.width, 0);
          expect(used).toBeGreaterThan(grid!.width - row.length * 5);
          if (width === 360) expect(row.length, 'images per row on a phone').toBeGreaterThanOrEqual(2);
        }
        const rowHeight = await page.locator('#images').evaluate((el) => parseFloat(getComputedStyle(el).getPropertyValue('--row-h')));
        expect(found.at(-1)![0]!.height).toBeLessThanOrEqual(rowHeight + 1);
        // The owner is not repeated on the owner's own page.
        await expect(page.locator('.tile-owner')).toHaveCount(0);
      });
    }
  }
}

test('the landing page shows the newest public images; the gallery names their owners', async ({ browser }) => {
  const visitor = await browser.newPage();
  await visitor.goto('/');
  await expect(visitor.getByRole('heading', { name: 'Newest in the gallery' })).toBeVisible();
  await expect(visitor.getByRole('link', { name: 'door.jpg' })).toBeVisible();
  await visitor.goto('/gallery');
  await expect(visitor.locator(`#images .tile-owner[href="/u/${owner}"]`).first()).toHaveText(owner);
});

test('bulk actions start unchosen, count and highlight the selection, and come back to the same list', async ({ browser }) => {
  const page = await ownerPage(browser);
  await page.goto('/dashboard?q=beach&sort=oldest');
  const action = page.getByLabel('With the selected images');
  await expect(action).toHaveValue('');
  await expect(page.locator('#selected-count')).toHaveText('0 selected');
  await page.getByRole('button', { name: 'Select all' }).click();
  await expect(page.locator('#selected-count')).toHaveText('2 selected');
  await page.getByRole('button', { name: 'None', exact: true }).click();
  await expect(page.locator('#selected-count')).toHaveText('0 selected');
  const box = page.getByRole('checkbox', { name: 'Select beach-sunset-2.jpg' });
  await box.check();
  await expect(page.locator('#selected-count')).toHaveText('1 selected');
  const tile = page.locator('li.tile', { has: box });
  await expect(tile).toHaveCSS('outline-style', 'solid');
  // Apply without an action changes nothing and says why, beside the menu.
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#bulk-action-error')).toHaveText(/Choose an action/);
  await expect(page.getByLabel('With the selected images')).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('checkbox', { name: 'Select beach-sunset-2.jpg' }).check();
  await page.getByLabel('With the selected images').selectOption('private');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('status').first()).toContainText('Made 1 image private');
  await expect(page).toHaveURL(/\/dashboard\?q=beach&sort=oldest/);
  await expect(page.getByRole('searchbox')).toHaveValue('beach');
  await expect(page.locator('#sort')).toHaveValue('oldest');
  // Public again, for the other stories.
  await page.getByRole('checkbox', { name: 'Select beach-sunset-2.jpg' }).check();
  await page.getByLabel('With the selected images').selectOption('public');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('status').first()).toContainText('Made 1 image public');
});

test('without JavaScript, an unchosen bulk action is refused beside the menu', async ({ browser }) => {
  const page = await ownerPage(browser, { javaScriptEnabled: false });
  await page.goto('/dashboard');
  await page.getByRole('checkbox', { name: 'Select tower.jpg' }).check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#bulk-action-error')).toHaveText(/Choose an action/);
  await expect(page.getByRole('checkbox', { name: 'Select tower.jpg' })).toBeVisible();
});

test('saving on the image page comes back to the same list, section and link', async ({ browser }) => {
  const page = await ownerPage(browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/dashboard?q=beach');
  const href = await page.getByRole('link', { name: 'beach-sunset-1.jpg', exact: true }).getAttribute('href');
  await page.goto(href!);
  await expect(page.getByRole('link', { name: /Previous image|Next image/ })).toBeVisible();
  await page.getByLabel('Caption').fill('Low tide at dusk');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page).toHaveURL(/in=dashboard&q=beach#details$/);
  await expect(page.getByRole('link', { name: /Previous image|Next image/ })).toBeVisible();
  await expect(page.getByLabel('Caption')).toHaveValue('Low tide at dusk');

  // A 7-day link, shown where it was made, with a Copy button.
  await page.getByRole('radio', { name: /^Unlisted/ }).check();
  await page.getByLabel('The link expires').selectOption('7');
  await page.getByRole('button', { name: 'Save visibility' }).click();
  await expect(page).toHaveURL(/#visibility$/);
  const link = await page.getByLabel(/^Share link/).inputValue();
  expect(link).toMatch(/share=/);
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  // The expiry shows its state, and saving again keeps the link people already have.
  await expect(page.getByLabel('The link expires')).toHaveValue('keep');
  await page.getByRole('button', { name: 'Save visibility' }).click();
  await expect(page.getByRole('status').first()).toContainText('unchanged');
  expect(await page.getByLabel(/^Share link/).inputValue()).toBe(link);
  await page.getByRole('radio', { name: /^Public/ }).check();
  await page.getByRole('button', { name: 'Save visibility' }).click();
  await expect(page.getByRole('status').first()).toContainText('now public');
});

test('search finds words in any order; the sort applies at once; an empty result offers to clear', async ({ browser }) => {
  const page = await browser.newPage();
  await page.goto(`/u/${owner}`);
  await page.getByRole('searchbox').fill('sunset beach');
  await page.getByRole('searchbox').press('Enter');
  await expect(page.locator('#images li.tile')).toHaveCount(2);
  // The new page's module script (which submits a changed sort) has run: the press does not wait for it.
  await expect(page.locator('html.js')).toBeAttached();
  await page.locator('#sort').selectOption('oldest');
  await expect(page).toHaveURL(/q=sunset\+beach&sort=oldest/);
  await expect(page.locator('#images li.tile')).toHaveCount(2);
  await page.getByRole('searchbox').fill('moonrise');
  await page.getByRole('searchbox').press('Enter');
  await expect(page.getByText('Nothing matches “moonrise”.')).toBeVisible();
  await page.getByRole('link', { name: 'Clear search' }).click();
  await expect(page.locator('#images li.tile')).toHaveCount(SHAPES.length);
});

test('dates are shown in the reader\'s time zone with JavaScript, in UTC without', async ({ browser }) => {
  const path = await (async () => {
    const page = await browser.newPage();
    await page.goto(`/u/${owner}`);
    return page.getByRole('link', { name: 'square.jpg' }).getAttribute('href');
  })();
  const local = await (await browser.newContext({ timezoneId: 'Asia/Kolkata', locale: 'en-GB' })).newPage();
  await local.goto(path!);
  const time = local.locator('dd time');
  const iso = await time.getAttribute('datetime');
  const expected = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Kolkata' }).format(new Date(iso!));
  await expect(time).toHaveText(expected);
  const plain = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await plain.goto(path!);
  await expect(plain.locator('dd time')).toHaveText(/ UTC$/);
});

test('a private image opened while logged out says how to see it, and logging in leads back', async ({ browser }) => {
  const page = await ownerPage(browser);
  await page.goto('/upload');
  await page.getByRole('radio', { name: /^Private/ }).check();
  await page.getByLabel('Images', { exact: true }).setInputFiles({ name: 'diary.jpg', mimeType: 'image/jpeg', buffer: await photo(3) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('heading', { name: '1 of 1 image uploaded' })).toBeVisible({ timeout: 90_000 });
  await page.goto('/dashboard');
  const path = new URL(await page.getByRole('link', { name: 'diary.jpg', exact: true }).getAttribute('href') ?? '', 'http://x').pathname;

  const visitor = await browser.newPage();
  await visitor.goto(path);
  await expect(visitor.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await visitor.getByRole('link', { name: 'log in', exact: true }).click();
  await visitor.getByLabel('Username or email').fill(owner);
  await visitor.getByLabel('Password').fill('a long enough passphrase');
  await visitor.getByRole('button', { name: 'Log in' }).click();
  await expect(visitor).toHaveURL(new RegExp(`${path}$`));
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('diary.jpg');
});

test('settings name each session by its browser and system', async ({ browser }) => {
  const page = await ownerPage(browser);
  await page.goto('/settings');
  await expect(page.locator('.sessions li').first()).toContainText(/Chrom(e|ium) on Linux/);
});

test('a refused settings form answers at the form, its message beside the field', async ({ browser }) => {
  const page = await ownerPage(browser, { viewport: { width: 1280, height: 800 } });
  await page.goto('/settings');
  await page.getByRole('form', { name: 'Change password' }).getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password (8 to 256 characters)').fill('another long passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/settings\/password#change-password$/);
  const error = page.locator('#current-password-error');
  await expect(error).toBeVisible();
  await expect(error).toBeInViewport();
});
