import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { photo, signUp, uniqueName } from './support.ts';

/**
 * Publishes `sizes.length` images in one upload (posted as the form would), each of its own
 * shade. Larger than the screen, so the viewer has to fit them and can zoom; one is a portrait.
 */
async function publish(page: Page, prefix: string, sizes: [number, number][]) {
  const form = new FormData();
  form.set('visibility', 'public');
  for (const [i, [w, h]] of sizes.entries()) {
    form.append('images', new File([new Uint8Array(await photo(40 + i * 29, w, h))], `${prefix}-${i}.jpg`, { type: 'image/jpeg' }));
  }
  const origin = new URL(page.url()).origin;
  const res = await page.request.post('/upload', { multipart: form, headers: { Origin: origin }, timeout: 120_000 });
  expect(res.status()).toBe(200);
}

const SIZES: [number, number][] = [[1800, 1200], [600, 1000], [1800, 1200], [1000, 1600], [1800, 1200], [1600, 1000]];

/** A fresh user in a context of its own, with `sizes` published under `name`. */
async function userWithImages(browser: Browser, options: BrowserContextOptions = {}, sizes = SIZES) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const name = uniqueName('viewer');
  await signUp(page, name);
  await publish(page, name, sizes);
  return { context, page, name };
}

/** Records what the browser refused under our Content-Security-Policy, and script errors. */
function watchConsole(page: Page) {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  return problems;
}

const viewer = (page: Page) => page.getByRole('dialog', { name: 'Image viewer' });
/** The image of the slide shown (not the neighbours PhotoSwipe keeps ready, nor the placeholder). */
const shownImage = (page: Page) => page.locator('.pswp__item[aria-hidden="false"] img.pswp__img:not(.pswp__img--placeholder)');

async function imageBox(page: Page) {
  const box = await shownImage(page).boundingBox();
  if (!box) throw new Error('no image shown');
  return box;
}

/** Once the opening animation settles, the image lies within the viewport, whole. */
async function expectFitted(page: Page) {
  const { width, height } = page.viewportSize()!;
  await expect(shownImage(page)).toBeVisible();
  await expect.poll(async () => {
    const box = await imageBox(page);
    return box.x >= -0.5 && box.y >= -0.5 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5
      // ... and fills it one way: fitted, not shown as a small thumbnail.
      && (box.width >= width * 0.6 || box.height >= height * 0.6);
  }, { message: 'the image fits the viewport' }).toBe(true);
}

/** The href of every thumbnail of the grid, in order. */
const thumbHrefs = (page: Page) => page.locator('#images a.thumb').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));

test('a thumbnail opens the viewer: fitted, arrow keys, zoom, Esc back to the same place', async ({ browser }) => {
  const { page, name } = await userWithImages(browser, { viewport: { width: 1280, height: 800 } });
  const problems = watchConsole(page);
  await page.goto('/gallery');
  const hrefs = await thumbHrefs(page);
  expect(hrefs.length).toBeGreaterThanOrEqual(SIZES.length);
  const listUrl = page.url();

  // Opening the second image: an overlay on the same page, under the image page's URL.
  const second = page.locator('#images a.thumb').nth(1);
  await page.evaluate(() => { (window as unknown as { marker: boolean }).marker = true; });
  await second.click();
  await expect(viewer(page)).toBeVisible();
  await expect(page).toHaveURL(hrefs[1]!);
  expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker), 'no page load').toBe(true);
  await expectFitted(page);
  await expect(viewer(page).getByRole('link', { name: /Details/ })).toHaveAttribute('href', hrefs[1]!);
  const title = viewer(page).locator('.viewer-title');
  await expect(title).toHaveText(await second.locator('img').getAttribute('alt') ?? '');
  expect(await title.textContent()).toContain(name);

  // The arrow keys walk the list and the URL follows; every image fits, portraits too.
  for (let i = 2; i < SIZES.length; i++) {
    await page.keyboard.press('ArrowRight');
    await expect(page).toHaveURL(hrefs[i]!);
    await expectFitted(page);
  }
  for (let i = SIZES.length - 2; i >= 0; i--) {
    await page.keyboard.press('ArrowLeft');
    await expect(page).toHaveURL(hrefs[i]!);
  }
  await expectFitted(page);
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(hrefs[1]!);

  // The wheel zooms in; a double click zooms back out, and in again.
  await expectFitted(page);
  const box = await imageBox(page);
  const grown = async () => (await imageBox(page)).width / box.width;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await expect.poll(grown).toBeGreaterThan(1.2);
  await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
  await expect.poll(async () => Math.abs((await grown()) - 1) < 0.01).toBe(true);
  await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
  await expect.poll(grown).toBeGreaterThan(1.2);

  // Esc: back to the list, focus on the image's thumbnail.
  await page.keyboard.press('Escape');
  await expect(viewer(page)).toBeHidden();
  await expect(page).toHaveURL(listUrl);
  await expect(second).toBeFocused();
  expect(problems).toEqual([]);
});

test('Esc and Back close the viewer at the same scroll position (phone, swipe)', async ({ browser }) => {
  // Enough images for the list to scroll on a phone.
  const phone = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true };
  const { page } = await userWithImages(browser, phone, [...SIZES, ...SIZES]);
  const problems = watchConsole(page);
  await page.goto('/gallery');
  const hrefs = await thumbHrefs(page);
  const listUrl = page.url();

  // Scrolled down the list, so a lost position would show.
  const third = page.locator('#images a.thumb').nth(2);
  await third.scrollIntoViewIfNeeded();
  await page.evaluate(() => scrollBy(0, 120));

  await third.tap();
  await expect(viewer(page)).toBeVisible();
  await expect(page).toHaveURL(hrefs[2]!);
  await expectFitted(page);
  // Where the list was when the viewer opened (a tap first scrolls its tile clear of the sticky
  // header, if it is under it).
  const scrolled = await page.evaluate(() => scrollY);
  expect(scrolled, 'the page scrolls at 360 px').toBeGreaterThan(0);

  // A swipe to the left shows the next image.
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y: 370 }] });
  await touch('touchStart', 300);
  for (const x of [270, 230, 180, 130, 80, 60]) await touch('touchMove', x);
  await touch('touchEnd', 60);
  await expect(page).toHaveURL(hrefs[3]!);
  await expectFitted(page);

  // Back to the image opened (on screen in the list: closing on one that is off screen scrolls
  // the list to show it, and where that is depends on the other tests' public images).
  await page.keyboard.press('ArrowLeft');
  await expect(page).toHaveURL(hrefs[2]!);
  await page.keyboard.press('Escape');
  await expect(viewer(page)).toBeHidden();
  await expect(page).toHaveURL(listUrl);
  expect(await page.evaluate(() => scrollY)).toBe(scrolled);

  // Back closes it too, with the list's URL and place.
  await third.tap();
  await expect(viewer(page)).toBeVisible();
  await expect(page).toHaveURL(hrefs[2]!);
  const again = await page.evaluate(() => scrollY);
  await page.goBack();
  await expect(viewer(page)).toBeHidden();
  await expect(page).toHaveURL(listUrl);
  expect(await page.evaluate(() => scrollY)).toBe(again);
  expect(problems).toEqual([]);

  // Forward again: what is shown is what the URL names, the image's page.
  await page.goForward();
  await expect(page).toHaveURL(hrefs[2]!);
  await expect(page.locator('article.image-page')).toBeVisible();
});

test('a modified click opens the image page in a new tab; without JavaScript a click opens it', async ({ browser }) => {
  const { context, page } = await userWithImages(browser);
  await page.goto('/gallery');
  const first = page.locator('#images a.thumb').first();
  const href = await first.evaluate((a) => (a as HTMLAnchorElement).href);
  const [tab] = await Promise.all([context.waitForEvent('page'), first.click({ modifiers: ['ControlOrMeta'] })]);
  await expect(tab).toHaveURL(href);
  await expect(viewer(page)).toBeHidden();
  await expect(page).toHaveURL(/\/gallery$/);

  const noJs = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await noJs.goto('/gallery');
  await noJs.locator('#images a.thumb').first().click();
  await expect(noJs).toHaveURL(href);
  await expect(noJs.locator('.pswp')).toHaveCount(0);
});

test('at the end of what is loaded, the viewer loads the next page and goes on', async ({ browser }) => {
  // One more than a page (48).
  const { page, name } = await userWithImages(browser, {}, Array.from({ length: 49 }, () => [900, 600] as [number, number]));
  await page.goto(`/u/${name}`);
  const thumbs = page.locator('#images a.thumb');
  await expect(thumbs).toHaveCount(48);
  await thumbs.nth(46).click();
  await expectFitted(page);
  await page.keyboard.press('ArrowRight');
  await expect(viewer(page).locator('.pswp__counter')).toHaveText('48 / 49');
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(await thumbs.nth(48).evaluate((a) => (a as HTMLAnchorElement).href));
  await expect(viewer(page).locator('.pswp__counter')).toHaveText('49 / 49');
  await expectFitted(page);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no serious axe violation with the viewer open, on a dark backdrop (${colorScheme})`, async ({ browser }) => {
    const { page, name } = await userWithImages(browser, { colorScheme });
    const problems = watchConsole(page);
    await page.goto(`/u/${name}`);
    await page.locator('#images a.thumb').first().click();
    await expect(viewer(page)).toBeVisible();
    await expectFitted(page);
    // The controls, by their names.
    for (const label of ['Close', 'Next image', 'Zoom in or out']) await expect(viewer(page).getByRole('button', { name: label })).toBeVisible();
    const backdrop = await page.locator('.pswp__bg').evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = backdrop.match(/\d+/g)!.map(Number);
    expect(r! + g! + b!, `backdrop ${backdrop}`).toBeLessThan(120);

    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    expect(serious).toEqual([]);
    expect(problems).toEqual([]);
  });
}
