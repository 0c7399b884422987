import { expect, test, type Browser } from '@playwright/test';
import { expectImagesLoaded, signUp, uniqueName, uploadFiles } from './support.ts';

async function userWithImages(browser: Browser, js: boolean, names: string[]) {
  const page = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  const user = uniqueName(`mgr${js ? 'js' : 'no'}`);
  await signUp(page, user);
  await uploadFiles(page, names);
  return { page, user };
}

for (const js of [true, false]) {
  const how = js ? 'with' : 'without';

  test(`share an image by unlisted link, then revoke it (${how} JavaScript)`, { tag: '@2x' }, async ({ browser }) => {
    const { page } = await userWithImages(browser, js, ['secret-plan.jpg']);
    await page.goto('/dashboard');
    await page.goto((await page.getByRole('link', { name: 'secret-plan.jpg', exact: true }).getAttribute('href'))!);
    // Make it unlisted: a share link appears.
    await page.getByRole('radio', { name: /^Unlisted/ }).check();
    await page.getByRole('button', { name: 'Save visibility' }).click();
    await expect(page.getByRole('status')).toContainText('A share link was made');
    const link = await page.getByLabel(/^Share link/).inputValue();
    // Someone signed out opens it; without the token it does not exist.
    const stranger = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
    await stranger.goto(link);
    await expect(stranger.getByRole('heading', { name: 'secret-plan.jpg' })).toBeVisible();
    const shown = stranger.getByRole('img', { name: 'secret-plan.jpg' });
    await expect.poll(() => shown.evaluate((i: HTMLImageElement) => (i.complete ? i.naturalWidth : 0))).toBeGreaterThan(0);
    await expectImagesLoaded(stranger);
    expect((await stranger.goto(link.split('?')[0]!))!.status()).toBe(404);
    // Revoked: the old link is gone.
    await page.getByRole('button', { name: 'Revoke link' }).click();
    await expect(page.getByRole('status')).toContainText('revoked');
    expect((await stranger.goto(link))!.status()).toBe(404);
  });

  test(`select images, make them public in one go, then find one by search (${how} JavaScript)`, async ({ browser }) => {
    const { page, user } = await userWithImages(browser, js, ['red-boat.jpg', 'blue-car.jpg', 'green-tree.jpg']);
    await page.goto('/dashboard');
    await page.getByRole('checkbox', { name: 'Select red-boat.jpg' }).check();
    await page.getByRole('checkbox', { name: 'Select green-tree.jpg' }).check();
    await page.getByLabel('With the selected images').selectOption('public');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Made 2 images public.' })).toBeVisible();
    await page.goto(`/u/${user}`);
    await expect(page.locator('li.tile')).toHaveCount(2);
    // Search is a plain GET form: the URL can be bookmarked.
    await page.goto('/dashboard');
    await page.getByRole('searchbox', { name: 'Search my images' }).fill('blue');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/\/dashboard\?q=blue/);
    await expect(page.locator('li.tile')).toHaveCount(1);
    await expect(page.locator('li.tile')).toContainText('blue-car.jpg');
    // Deleting many moves them to the trash at once, with an Undo.
    await page.goto('/dashboard');
    await page.getByRole('checkbox', { name: 'Select red-boat.jpg' }).check();
    await page.getByRole('checkbox', { name: 'Select blue-car.jpg' }).check();
    await page.getByLabel('With the selected images').selectOption('delete');
    await page.getByRole('button', { name: 'Apply' }).click();
    const moved = page.getByRole('status').filter({ hasText: 'Moved 2 images to the trash.' });
    await expect(moved.getByRole('button', { name: 'Undo' })).toBeVisible();
    await expect(page.locator('li.tile')).toHaveCount(1);
  });
}
