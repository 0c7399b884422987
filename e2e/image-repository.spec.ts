import { expect, test, type Browser } from '@playwright/test';
import { expectImagesLoaded, photo, signUp, uploadFiles as upload } from './support.ts';

async function newPage(browser: Browser, javaScriptEnabled: boolean) {
  const context = await browser.newContext({ javaScriptEnabled });
  return context.newPage();
}

for (const js of [true, false]) {
  test(`two users share and keep private images (${js ? 'with' : 'without'} JavaScript)`, { tag: '@2x' }, async ({ browser }) => {
    const suffix = `${js ? 'js' : 'nojs'}${Date.now().toString(36)}`;
    const alice = await newPage(browser, js);
    const aliceName = `alice-${suffix}`;

    // Alice signs up and uploads two public and two private images, several at once.
    await signUp(alice, aliceName);
    await upload(alice, [`beach-${suffix}.jpg`, `forest-${suffix}.jpg`], 'Public');
    await upload(alice, [`passport-${suffix}.jpg`, `diary-${suffix}.jpg`], 'Private');

    // Her dashboard shows all four, newest first.
    await alice.goto('/dashboard');
    const cards = alice.locator('#images li.tile');
    await expect(cards).toHaveCount(4);
    await expect(cards.first()).toContainText('Private');
    await expectImagesLoaded(alice);
    const privateUrl = await alice.getByRole('link', { name: `passport-${suffix}.jpg`, exact: true }).first().getAttribute('href');

    // Bob sees only Alice's public images in the gallery, and a 404 for her private one.
    const bob = await newPage(browser, js);
    await signUp(bob, `bob-${suffix}`);
    await bob.goto('/gallery');
    await expect(bob.getByRole('link', { name: `beach-${suffix}.jpg` }).first()).toBeVisible();
    await expect(bob.getByRole('link', { name: `forest-${suffix}.jpg` }).first()).toBeVisible();
    await expect(bob.getByText(`passport-${suffix}.jpg`)).toHaveCount(0);
    // Each tile names its owner (shown over the picture on hover and focus).
    await expect(bob.locator('li.tile', { hasText: `beach-${suffix}.jpg` }).getByRole('link', { name: aliceName })).toHaveCount(1);
    const denied = await bob.goto(privateUrl!);
    expect(denied!.status()).toBe(404);
    await expect(bob.getByRole('heading', { name: 'Not found' })).toBeVisible();

    // A visitor without an account sees the public gallery, thumbnails included.
    const visitor = await newPage(browser, js);
    await visitor.goto('/gallery');
    const thumb = visitor.getByRole('img', { name: `beach-${suffix}.jpg` });
    await expect(thumb).toBeVisible();
    // Loaded, however long a busy machine takes: polled, not read once.
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0))).toBeGreaterThan(0);
    const placeholder = visitor.locator('a.thumb').first().evaluate((a: HTMLElement) => a.style.backgroundImage);
    // With JavaScript, each tile is painted with its ThumbHash colours while its thumbnail loads.
    if (js) expect(await placeholder).toMatch(/^url\("data:image\/png;base64,/);
    else expect(await placeholder).toBe('');
    await expectImagesLoaded(visitor);
    // Her image page shows the image itself (with JavaScript the thumbnail opens the viewer: its
    // own story is e2e/viewer.spec.ts; here the page itself).
    await visitor.goto((await visitor.getByRole('link', { name: `beach-${suffix}.jpg` }).first().getAttribute('href'))!);
    await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(`beach-${suffix}.jpg`);
    await expectImagesLoaded(visitor);

    // Alice deletes one image; it is gone from her dashboard and from the gallery.
    await alice.goto('/dashboard');
    const card = alice.locator('li.tile', { hasText: `forest-${suffix}.jpg` });
    await card.getByRole('button', { name: `Delete forest-${suffix}.jpg` }).click();
    await expect(alice.locator('li.tile', { hasText: `forest-${suffix}.jpg` })).toHaveCount(0);
    await expect(cards).toHaveCount(3);
    await visitor.goto('/gallery');
    await expect(visitor.getByText(`forest-${suffix}.jpg`)).toHaveCount(0);

    // Alice logs out; her dashboard now asks her to log in.
    await alice.getByRole('button', { name: /Log out/ }).click();
    await alice.goto('/dashboard');
    await expect(alice).toHaveURL(/\/login/);
  });
}

test('the upload script puts the results in place, and htmx deletes a card, both without a reload', async ({ page }) => {
  const suffix = Date.now().toString(36);
  await signUp(page, `hx-${suffix}`);
  await page.goto('/upload');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await page.getByRole('radio', { name: /^Public/ }).check();
  await page.getByLabel('Images', { exact: true }).setInputFiles([
    { name: 'ok.jpg', mimeType: 'image/jpeg', buffer: await photo(1) },
    { name: 'fake.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<html>not an image</html>') },
  ]);
  // static/upload.js sends the form over XMLHttpRequest and puts the results fragment in place.
  const answer = page.waitForResponse((r) => r.url().endsWith('/upload') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Upload' }).click();
  expect((await answer).request().headers()['x-fragment']).toBe('1');
  await expect(page.getByRole('heading', { name: '1 of 2 images uploaded' })).toBeVisible();
  await expect(page.locator('li', { hasText: 'fake.jpg' })).toContainText('Not an image we can read');
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

  // On the dashboard the card leaves the page at once (to the trash), without a reload.
  await page.goto('/dashboard');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 2));
  await page.getByRole('button', { name: 'Delete ok.jpg' }).click();
  await expect(page.locator('li.tile')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(2);
  await page.reload();
  await expect(page.getByText('You have no images yet')).toBeVisible();
});
