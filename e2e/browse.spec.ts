import { expect, test } from '@playwright/test';
import { expectImagesLoaded, signUp, uniqueName, uploadFiles } from './support.ts';

test('the arrow keys walk through the list an image was opened from', async ({ page }) => {
  await signUp(page, uniqueName('walker'));
  // One at a time: images of one upload share their timestamp.
  for (const name of ['first.jpg', 'second.jpg', 'third.jpg']) await uploadFiles(page, [name]);

  // Oldest first, so the walk follows upload order.
  await page.goto('/dashboard?sort=oldest');
  // The image page itself (a click on the thumbnail would open the viewer over the list).
  await page.goto((await page.locator('#images a.thumb').first().getAttribute('href'))!);
  // A page's heading shows before its module scripts run (the arrow keys' listener among them):
  // each key waits for the page it lands on to be parsed, or a busy machine loses it.
  const at = async (name: string) => {
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await page.waitForLoadState('domcontentloaded');
  };
  await at('first.jpg');
  await page.keyboard.press('ArrowRight');
  await at('second.jpg');
  await page.keyboard.press('ArrowRight');
  await at('third.jpg');
  await page.keyboard.press('ArrowLeft');
  await at('second.jpg');
  // Typing in a field does not navigate.
  await page.getByLabel('Title').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('second.jpg');
});

test('the gallery loads the next page by itself when scrolled to the end; without JS a link does it', { tag: '@2x' }, async ({ browser }) => {
  const setup = await browser.newPage();
  await signUp(setup, uniqueName('scroller'));
  // One more than a page (48), in one upload.
  const names = Array.from({ length: 49 }, (_, i) => `scroll-${i}.jpg`);
  await uploadFiles(setup, names, 'Public');

  const page = await browser.newPage();
  await page.goto('/gallery');
  await expect(page.locator('li.tile')).toHaveCount(48);
  await page.locator('li.more').scrollIntoViewIfNeeded();
  // htmx swapped the next page in where the link was: more tiles, same page.
  await expect.poll(() => page.locator('li.tile').count()).toBeGreaterThan(48);
  await expect(page).toHaveURL(/\/gallery$/);
  await expectImagesLoaded(page);

  // Leaving through a link of the grown list and coming back finds it grown, at the same place.
  const last = page.locator('li.tile').last();
  await last.scrollIntoViewIfNeeded();
  const y = await page.evaluate(() => scrollY);
  expect(y).toBeGreaterThan(0);
  // Clicked where it is (Playwright's click would first scroll it into view, moving the page).
  await last.locator('.tile-owner').evaluate((a: HTMLElement) => a.click());
  await expect(page).toHaveURL(/\/u\/[\w-]+$/);
  await page.goBack();
  await expect.poll(() => page.locator('li.tile').count()).toBeGreaterThan(48);
  await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(y - 50);
  expect(await page.evaluate(() => scrollY)).toBeLessThan(y + 50);

  const noJs = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await noJs.goto('/gallery');
  await expect(noJs.getByRole('link', { name: 'Previous page' })).toHaveCount(0);
  await noJs.getByRole('link', { name: 'Next page' }).click();
  await expect(noJs).toHaveURL(/\/gallery\?cursor=/);
  await expect(noJs.locator('li.tile').first()).toBeVisible();
  // And back again, by link.
  await noJs.getByRole('link', { name: 'Previous page' }).click();
  await expect(noJs).toHaveURL(/\/gallery\?before=/);
  await expect(noJs.locator('li.tile')).toHaveCount(48);
  await expect(noJs.getByRole('link', { name: 'Previous page' })).toHaveCount(0);
});

test('shift-click selects a range on the dashboard', async ({ page }) => {
  await signUp(page, uniqueName('ranger'));
  for (const name of ['r1.jpg', 'r2.jpg', 'r3.jpg', 'r4.jpg']) await uploadFiles(page, [name]);
  await page.goto('/dashboard?sort=oldest');
  await page.getByRole('checkbox', { name: 'Select r1.jpg' }).click();
  await page.getByRole('checkbox', { name: 'Select r4.jpg' }).click({ modifiers: ['Shift'] });
  for (const n of ['r1', 'r2', 'r3', 'r4']) await expect(page.getByRole('checkbox', { name: `Select ${n}.jpg` })).toBeChecked();
});

test('pages fit a 360 px phone screen without sideways scrolling', async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  await signUp(page, uniqueName('phone'));
  await uploadFiles(page, ['phone.jpg'], 'Public');
  for (const path of ['/', '/gallery', '/dashboard', '/upload', '/settings']) {
    await page.goto(path);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
  }
});
