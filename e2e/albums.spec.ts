import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { expectErrorToast, expectImagesLoaded, signUp, trashInAnotherTab, uniqueName, uploadFiles } from './support.ts';

/** The one-time message at the top of the page that says `text`. */
const notice = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

/** The album's tiles, in the order shown. */
const tiles = (page: Page) => page.locator('#images li.tile');

/** The image ids of the album's tiles, in the order shown (each tile is `image-<id>`). */
const tileIds = async (page: Page) => (await tiles(page).evaluateAll((lis) => lis.map((li) => li.id))).map((id) => id.slice('image-'.length));

/** Makes an album from /albums and lands on its page; returns its id. */
async function newAlbum(page: Page, title: string, visibility: 'Private' | 'Unlisted' | 'Public' = 'Private') {
  await page.goto('/albums');
  await page.getByText('New album', { exact: true }).click();
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByRole('radio', { name: new RegExp(`^${visibility}`) }).check();
  await page.getByRole('button', { name: 'Create album' }).click();
  await expect(page).toHaveURL(/\/albums\/[\w-]+$/);
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  return new URL(page.url()).pathname.split('/').pop()!;
}

/** On the dashboard: ticks `names` and adds them to the album `option` (its menu entry) through the bulk bar. */
async function addFromDashboard(page: Page, names: string[], option: string) {
  await page.goto('/dashboard');
  for (const name of names) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
  await page.getByLabel('With the selected images').selectOption({ label: 'Add to album' });
  await page.getByLabel('Album to add them to').selectOption({ label: option });
  await page.getByRole('button', { name: 'Apply' }).click();
}

test('An owner gathers images into an album and shares it by link', { tag: '@2x' }, async ({ page, browser }) => {
  await signUp(page, uniqueName('album'));
  const names = ['trip-1.jpg', 'trip-2.jpg', 'trip-3.jpg'];
  await uploadFiles(page, names);
  const id = await newAlbum(page, 'Summer trip', 'Unlisted');

  // The images are private, the album is not: asked first.
  await addFromDashboard(page, names, 'Summer trip (unlisted)');
  await expect(page.getByRole('heading', { name: 'Add to “Summer trip”?' })).toBeVisible();
  await expect(page.getByText('3 private images will be visible to everyone with the link')).toBeVisible();
  await page.getByRole('button', { name: 'Add 3 images' }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(notice(page, 'Added 3 images to “Summer trip”.')).toBeVisible();

  // The album shows them, and offers its link.
  await page.goto(`/albums/${id}`);
  await expect(tiles(page)).toHaveCount(3);
  const settings = page.getByRole('region', { name: 'Album settings' });
  const shareLink = await settings.getByRole('textbox', { name: /^Share link/ }).inputValue();
  expect(shareLink).toMatch(new RegExp(`/albums/${id}\\?share=`));

  // A visitor with the link sees the album and each image.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(shareLink);
  await expect(visitor.getByRole('heading', { name: 'Summer trip', level: 1 })).toBeVisible();
  await expect(tiles(visitor)).toHaveCount(3);
  await expectImagesLoaded(visitor);
  // (A plain click opens the viewer over the album; its link is the image's page in the album.)
  const [first] = await tileIds(visitor);
  const imagePage = await tiles(visitor).first().getByRole('link').first().getAttribute('href');
  expect(imagePage).toMatch(new RegExp(`^/albums/${id}/images/${first}\\?share=`));
  await visitor.goto(imagePage!);
  await expect(visitor.getByRole('link', { name: 'Summer trip' })).toBeVisible();
  await expectImagesLoaded(visitor);

  // Without the link's token, the album does not exist for the visitor.
  expect((await visitor.goto(`/albums/${id}`))!.status()).toBe(404);

  // The owner revokes the link: it leads nowhere now.
  await settings.getByRole('button', { name: 'Revoke link' }).click();
  await expect(notice(page, 'The share link was revoked')).toBeVisible();
  expect((await visitor.goto(shareLink))!.status()).toBe(404);
  expect((await visitor.goto(imagePage!))!.status()).toBe(404);
  await visitor.context().close();
});

test('Without JavaScript, an image joins an album from its page and leaves it again', async ({ browser }) => {
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await signUp(page, uniqueName('albumnojs'));
  await uploadFiles(page, ['lone.jpg']);
  await newAlbum(page, 'Keepsakes');

  // From the dashboard to the image's page, and into the album there.
  await page.goto('/dashboard');
  await page.getByRole('link', { name: 'lone.jpg', exact: true }).click();
  await expect(page).toHaveURL(/\/images\/[\w-]+/);
  const albums = page.getByRole('region', { name: 'Albums', exact: true });
  await expect(albums.getByText('In no album yet.')).toBeVisible();
  await albums.getByLabel('Album to add it to').selectOption({ label: 'Keepsakes' });
  await albums.getByRole('button', { name: 'Add to album' }).click();
  await expect(notice(page, 'Added 1 image to “Keepsakes”.')).toBeVisible();
  await expect(albums.getByRole('link', { name: 'Keepsakes' })).toBeVisible();

  // In the album, and out of it again.
  await albums.getByRole('link', { name: 'Keepsakes' }).click();
  await expect(page.getByRole('heading', { name: 'Keepsakes', level: 1 })).toBeVisible();
  await expect(tiles(page)).toHaveCount(1);
  await tiles(page).first().hover();
  await page.getByRole('button', { name: 'Remove lone.jpg from the album' }).click();
  await expect(notice(page, 'Removed from the album.')).toBeVisible();
  await expect(tiles(page)).toHaveCount(0);
  await expect(page.getByText('No images yet')).toBeVisible();
});

test('With JavaScript, an error answering the album menu is a toast and leaves the menu in place', async ({ page }) => {
  await signUp(page, uniqueName('albumerr'));
  await uploadFiles(page, ['fleeting.jpg']);
  await newAlbum(page, 'Later');
  await page.goto('/dashboard');
  // The image page itself (a click on the thumbnail would open the viewer over the list).
  await page.goto((await page.getByRole('link', { name: 'fleeting.jpg', exact: true }).getAttribute('href'))!);
  const albums = page.getByRole('region', { name: 'Albums', exact: true });
  await albums.getByLabel('Album to add it to').selectOption({ label: 'Later' });

  // Meanwhile another tab moves the image to the trash: adding it is refused, and the toast says why.
  await trashInAnotherTab(page, 'fleeting.jpg');
  await albums.getByRole('button', { name: 'Add to album' }).click();
  const toast = await expectErrorToast(page, /^This image is in the trash\. Restore it from the trash to change it\./);
  await expect(toast.getByRole('link', { name: 'Open the trash' })).toHaveAttribute('href', '/trash');
  // The menu is still there, as it was (before, the message took the section's place).
  await expect(albums.getByRole('button', { name: 'Add to album' })).toBeVisible();
  await expect(albums.getByText('In no album yet.')).toBeVisible();
});

test('With JavaScript, removing from the album happens in place', async ({ page }) => {
  await signUp(page, uniqueName('albumjs'));
  const names = ['stay.jpg', 'leave.jpg'];
  await uploadFiles(page, names);
  const id = await newAlbum(page, 'Tidy');
  await addFromDashboard(page, names, 'Tidy');
  await expect(notice(page, 'Added 2 images to “Tidy”.')).toBeVisible();

  await page.goto(`/albums/${id}`);
  await expect(tiles(page)).toHaveCount(2);
  // A mark on the page tells a reload from a swap in place.
  await page.evaluate(() => ((window as unknown as { untouched: boolean }).untouched = true));
  const tile = tiles(page).filter({ has: page.getByRole('button', { name: 'Remove leave.jpg from the album' }) });
  await tile.hover();
  await tile.getByRole('button', { name: 'Remove leave.jpg from the album' }).click();
  await expect(tiles(page)).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Remove stay.jpg from the album' })).toBeAttached();
  await expect(page).toHaveURL(new RegExp(`/albums/${id}$`));
  expect(await page.evaluate(() => (window as unknown as { untouched?: boolean }).untouched)).toBe(true);

  // It stays out after a reload.
  await page.reload();
  await expect(tiles(page)).toHaveCount(1);
});

test('An arranged album keeps the owner’s order, and downloads as a zip', async ({ page }) => {
  await signUp(page, uniqueName('albumorder'));
  const names = ['first.jpg', 'second.jpg', 'third.jpg'];
  await uploadFiles(page, names);
  const id = await newAlbum(page, 'Story');
  await addFromDashboard(page, names, 'Story');
  await expect(notice(page, 'Added 3 images to “Story”.')).toBeVisible();

  // Order: the owner's arrangement.
  await page.goto(`/albums/${id}`);
  const settings = page.getByRole('region', { name: 'Album settings' });
  await settings.getByLabel('Order', { exact: true }).selectOption({ label: 'Your arrangement' });
  await settings.getByRole('button', { name: 'Save album' }).click();
  await expect(notice(page, 'Album saved.')).toBeVisible();
  await expect(settings.getByLabel('Order', { exact: true })).toHaveValue('manual');

  // The first image one place later: it stays there.
  const before = await tileIds(page);
  expect(before).toHaveLength(3);
  const firstTile = tiles(page).first();
  const firstTitle = (await firstTile.locator('.tile-title').textContent())!;
  await firstTile.hover();
  const moved = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/albums/${id}/order`));
  await firstTile.getByRole('button', { name: `Move ${firstTitle} later` }).click();
  expect((await moved).status()).toBeLessThan(400);
  const arranged = [before[1], before[0], before[2]];
  await expect.poll(() => tileIds(page)).toEqual(arranged);
  await page.goto(`/albums/${id}`);
  await expect.poll(() => tileIds(page)).toEqual(arranged);

  // The whole album as one zip.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download all' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
  const bytes = await readFile((await download.path())!);
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
});

for (const javaScriptEnabled of [true, false]) {
  test(`Uploading private images into a public album asks first (${javaScriptEnabled ? 'with' : 'without'} JavaScript)`, async ({ browser }) => {
    const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
    await signUp(page, uniqueName('upal'));
    const id = await newAlbum(page, 'Open house', 'Public');
    // The album page offers an upload into it: the form arrives with the album chosen.
    await page.getByRole('link', { name: 'Upload to album' }).click();
    await expect(page.getByLabel('Add them to an album')).toHaveValue(id);
    await uploadFiles(page, ['kitchen.jpg'], 'Private', page.url());
    // Nothing joined yet: the results ask.
    await expect(page.getByText('1 private image will be visible to everyone who sees this album')).toBeVisible();
    await page.getByRole('button', { name: 'Add 1 image' }).click();
    await expect(page).toHaveURL(new RegExp(`/albums/${id}$`));
    await expect(tiles(page)).toHaveCount(1);
  });
}
