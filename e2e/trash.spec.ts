import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { expectErrorToast, expectImagesLoaded, signUp, trashInAnotherTab, uniqueName, uploadFiles } from './support.ts';

/** The one-time message at the top of the page that says `text` (other live regions are about). */
const notice = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

/** The card of `filename` on a list (by its delete button: the grid's markup is not ours to rely on) and its image id. */
async function cardOf(page: Page, filename: string) {
  const card = page.locator('[id^="image-"]').filter({ has: page.getByRole('button', { name: `Delete ${filename}` }) });
  const id = (await card.getAttribute('id'))!.slice('image-'.length);
  return { card, id, byId: page.locator(`#image-${id}`) };
}

/** Another tab moves `filename` to the trash and empties the trash (this tab's page stays as it was). */
async function deleteForGoodInAnotherTab(page: Page, filename: string) {
  await trashInAnotherTab(page, filename);
  const other = await page.context().newPage();
  await other.goto('/trash');
  await other.getByRole('button', { name: 'Empty trash' }).click();
  await other.getByRole('button', { name: 'Empty trash' }).click();
  await expect(notice(other, 'Deleted 1 image for good.')).toBeVisible();
  await other.close();
}

test('with JavaScript, a card leaves at once and its toast undoes the delete', async ({ page }) => {
  await signUp(page, uniqueName('trashjs'));
  await uploadFiles(page, ['keep-a.jpg', 'gone-b.jpg', 'keep-c.jpg']);
  await page.goto('/dashboard');
  const { id, byId } = await cardOf(page, 'gone-b.jpg');

  // No dialog asks first (Playwright would dismiss one, and nothing would be deleted): the card
  // leaves the grid, and a toast offers Undo.
  await page.getByRole('button', { name: 'Delete gone-b.jpg' }).click();
  await expect(byId).toHaveCount(0);
  const toast = page.locator('#toasts');
  await expect(toast).toContainText('Moved “gone-b.jpg” to the trash.');
  await expect(page).toHaveURL(/\/dashboard$/);
  expect((await page.request.get(`/images/${id}`)).status()).toBe(404);

  // Undo has the focus (the Delete button that had it is gone), so Enter undoes.
  await expect(toast.getByRole('button', { name: 'Undo' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/dashboard#image-${id}$`));
  await expect(byId).toBeVisible();
  await expect(notice(page, 'Restored 1 image.')).toBeVisible();
  expect((await page.request.get(`/images/${id}`)).status()).toBe(200);

  // A toast can also be dismissed.
  await page.getByRole('button', { name: 'Delete keep-c.jpg' }).click();
  await expect(toast).toContainText('Moved “keep-c.jpg” to the trash.');
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toast.locator('.toast')).toHaveCount(0);
});

test('with JavaScript, deleting a card already in the trash (another tab) is done: the card leaves, with Undo', async ({ page }) => {
  await signUp(page, uniqueName('trashtwice'));
  await uploadFiles(page, ['twice-a.jpg', 'twice-b.jpg']);
  await page.goto('/dashboard');
  const { id, byId } = await cardOf(page, 'twice-a.jpg');
  await trashInAnotherTab(page, 'twice-a.jpg');

  await page.getByRole('button', { name: 'Delete twice-a.jpg' }).click();
  await expect(byId).toHaveCount(0);
  const toast = page.locator('#toasts');
  await expect(toast).toContainText('This image was already in the trash.');
  await expect(page.locator('#toasts [role=alert]')).toHaveCount(0);
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(byId).toBeVisible();
  expect((await page.request.get(`/images/${id}`)).status()).toBe(200);
});

test('with JavaScript, deleting a card gone for good says so in a toast and leaves the grid be', async ({ page }) => {
  await signUp(page, uniqueName('trashgone'));
  await uploadFiles(page, ['stale-a.jpg', 'stale-b.jpg']);
  await page.goto('/dashboard');
  const { byId } = await cardOf(page, 'stale-a.jpg');
  await deleteForGoodInAnotherTab(page, 'stale-a.jpg');

  // This tab's card answers 404: a toast says so (not a page's heading), and the grid keeps its
  // cards (the grid stops the delete's swap for an error; the tile's form says nothing of it).
  await page.getByRole('button', { name: 'Delete stale-a.jpg' }).click();
  const error = await expectErrorToast(page, 'There is nothing here, or you may not see it.');
  await expect(page.getByRole('heading', { name: 'Not found' })).toHaveCount(0);
  await error.getByRole('button', { name: 'Dismiss' }).click();
  await expect(error).toHaveCount(0);
  await expect(byId).toBeVisible();
  await expect(page.locator('#images [id^="image-"]')).toHaveCount(2);
});

test('with JavaScript, an error after a delete leaves its Undo: both toasts show; the next Undo replaces the last', async ({ page }) => {
  await signUp(page, uniqueName('trashboth'));
  await uploadFiles(page, ['both-a.jpg', 'both-b.jpg', 'both-c.jpg']);
  await page.goto('/dashboard');
  const { id, byId } = await cardOf(page, 'both-a.jpg');
  // So this tab's delete of both-c will fail.
  await deleteForGoodInAnotherTab(page, 'both-c.jpg');

  await page.getByRole('button', { name: 'Delete both-a.jpg' }).click();
  await expect(byId).toHaveCount(0);
  const undo = page.locator('#toasts .toast').filter({ hasText: 'Moved “both-a.jpg” to the trash.' });
  await expect(undo).toBeVisible();
  await page.getByRole('button', { name: 'Delete both-c.jpg' }).click();
  const error = await expectErrorToast(page, 'There is nothing here, or you may not see it.');
  await expect(page.locator('#toasts .toast')).toHaveCount(2);
  await expect(undo).toBeInViewport();

  // The next delete's Undo takes the place of the last one; the error stays until dismissed.
  await page.getByRole('button', { name: 'Delete both-b.jpg' }).click();
  const second = page.locator('#toasts .toast').filter({ hasText: 'Moved “both-b.jpg” to the trash.' });
  await expect(second).toBeVisible();
  await expect(undo).toHaveCount(0);
  await expect(page.locator('#toasts .toast')).toHaveCount(2);
  await error.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.locator('#toasts .toast')).toHaveCount(1);
  await second.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('button', { name: 'Delete both-b.jpg' })).toBeVisible();
  expect((await page.request.get(`/images/${id}`)).status()).toBe(404);
});

test('deleting from the image page returns to the list it was opened from, with Undo', async ({ page }) => {
  await signUp(page, uniqueName('trashpage'));
  await uploadFiles(page, ['page-one.jpg', 'page-two.jpg']);
  await page.goto('/dashboard?q=page');
  const { id } = await cardOf(page, 'page-two.jpg');
  // The image page itself (a click on the thumbnail would open the viewer over the list).
  await page.goto(`/images/${id}?in=dashboard&q=page`);
  await page.getByRole('button', { name: 'Delete page-two.jpg' }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  const flash = notice(page, 'Moved “page-two.jpg” to the trash.');
  await expect(flash).toBeVisible();
  await expect(page.locator(`#image-${id}`)).toHaveCount(0);
  expect((await page.request.get(`/images/${id}`)).status()).toBe(404);
  await flash.getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator(`#image-${id}`)).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a delete lands on the same list with a message whose Undo brings the image back', async ({ page }) => {
    await signUp(page, uniqueName('trashnojs'));
    await uploadFiles(page, ['plain-a.jpg', 'plain-b.jpg']);
    await page.goto('/dashboard');
    const { id, byId } = await cardOf(page, 'plain-a.jpg');
    await page.getByRole('button', { name: 'Delete plain-a.jpg' }).click();
    await expect(page).toHaveURL(/\/dashboard/);
    await expect(byId).toHaveCount(0);
    const flash = notice(page, 'Moved “plain-a.jpg” to the trash.');
    await expect(flash).toBeVisible();
    await flash.getByRole('button', { name: 'Undo' }).click();
    await expect(page).toHaveURL(new RegExp(`/dashboard#image-${id}$`));
    await expect(byId).toBeVisible();
  });
});

for (const js of [true, false]) {
  test(`the trash: restore some, then empty it after a confirmation (${js ? 'with' : 'without'} JavaScript)`, { tag: '@2x' }, async ({ browser }) => {
    const page = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
    await signUp(page, uniqueName(`bin${js ? 'js' : 'no'}`));
    await uploadFiles(page, ['bin-1.jpg', 'bin-2.jpg', 'bin-3.jpg']);
    await page.goto('/dashboard');
    for (const name of ['bin-1.jpg', 'bin-2.jpg']) {
      const { byId } = await cardOf(page, name);
      await page.getByRole('button', { name: `Delete ${name}` }).click();
      await expect(byId).toHaveCount(0);
    }

    // The trash shows them, newest deleted first, thumbnails included (to their owner alone).
    await page.goto('/trash');
    await expect(page.getByRole('heading', { name: 'Trash', level: 1 })).toBeVisible();
    const tiles = page.locator('.trash-grid > li');
    await expect(tiles).toHaveCount(2);
    await expect(tiles.first()).toContainText('bin-2.jpg');
    await expectImagesLoaded(page);

    // Restore one: it is back on the dashboard.
    await page.getByRole('checkbox', { name: 'Select bin-1.jpg' }).check();
    await page.getByRole('button', { name: 'Restore selected' }).click();
    await expect(notice(page, 'Restored 1 image.')).toBeVisible();
    await expect(tiles).toHaveCount(1);

    // Empty the trash: asked first; Cancel changes nothing.
    await page.getByRole('button', { name: 'Empty trash' }).click();
    await expect(page.getByRole('heading', { name: 'Empty the trash?' })).toBeVisible();
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect(tiles).toHaveCount(1);
    await page.getByRole('button', { name: 'Empty trash' }).click();
    await page.getByRole('button', { name: 'Empty trash' }).click();
    await expect(notice(page, 'Deleted 1 image for good.')).toBeVisible();
    await expect(page.getByText('The trash is empty.')).toBeVisible();

    await page.goto('/dashboard');
    await expect(page.getByRole('button', { name: 'Delete bin-1.jpg' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Delete bin-3.jpg' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Delete bin-2.jpg' })).toHaveCount(0);
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no serious axe violation in the trash, its toast, its Undo message or its confirmation (${colorScheme})`, async ({ browser }) => {
    const page = await (await browser.newContext({ colorScheme })).newPage();
    const serious = async (where: string) => {
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), where).toEqual([]);
    };
    await signUp(page, uniqueName(`axe${colorScheme}`));
    await uploadFiles(page, ['axe-1.jpg', 'axe-2.jpg']);
    await page.goto('/dashboard');
    await page.getByRole('button', { name: 'Delete axe-1.jpg' }).click();
    await expect(page.locator('#toasts')).toContainText('to the trash');
    await serious('the toast');
    await page.goto('/dashboard');
    const { id } = await cardOf(page, 'axe-2.jpg');
    await page.goto(`/images/${id}?in=dashboard`);
    await page.getByRole('button', { name: 'Delete axe-2.jpg' }).click();
    await expect(notice(page, 'Moved “axe-2.jpg” to the trash.')).toBeVisible();
    await serious('the message with Undo');
    await page.goto('/trash');
    await expectImagesLoaded(page);
    await serious('/trash');
    await page.getByRole('button', { name: 'Empty trash' }).click();
    await expect(page.getByRole('heading', { name: 'Empty the trash?' })).toBeVisible();
    await serious('the confirmation');
  });
}
