import { expect, test, type Page } from '@playwright/test';
import { photo, signUp, uniqueName } from './support.ts';

/** Hands `bytes` to the page as a File inside a DataTransfer, then fires `type` with it. */
async function fire(page: Page, type: 'paste' | 'drop', name: string, bytes: Buffer) {
  await page.evaluate(({ type, name, data }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], name, { type: 'image/jpeg' }));
    const event = type === 'paste'
      ? new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true })
      : new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
    document.body.dispatchEvent(event);
  }, { type, name, data: [...bytes] });
}

test('choosing files shows previews; the upload reports progress and links every new image', async ({ page }) => {
  await signUp(page, uniqueName('up'));
  await page.goto('/upload');
  await page.getByLabel('Images', { exact: true }).setInputFiles([
    { name: 'one.jpg', mimeType: 'image/jpeg', buffer: await photo(1) },
    { name: 'two.jpg', mimeType: 'image/jpeg', buffer: await photo(2) },
  ]);
  const previews = page.getByRole('list', { name: 'Chosen images' }).getByRole('listitem');
  await expect(previews).toHaveCount(2);
  await expect(previews.first()).toContainText('one.jpg');
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('heading', { name: '2 of 2 images uploaded' })).toBeVisible();
  for (const name of ['one.jpg', 'two.jpg']) {
    await expect(page.getByRole('link', { name })).toHaveAttribute('href', /^\/images\/[\w-]+$/);
    expect(await page.getByLabel(`Upload progress of ${name}`).evaluate((p: HTMLProgressElement) => p.value)).toBe(1);
  }
  await page.getByRole('link', { name: 'one.jpg' }).click();
  await expect(page.getByRole('heading', { name: 'one.jpg' })).toBeVisible();
});

test('images can be pasted or dropped anywhere on the page', async ({ page }) => {
  await signUp(page, uniqueName('up'));
  await page.goto('/upload');
  await fire(page, 'paste', 'pasted.jpg', await photo(3));
  await expect(page.getByRole('list', { name: 'Chosen images' })).toContainText('pasted.jpg');
  await fire(page, 'drop', 'dropped.jpg', await photo(4));
  await expect(page.getByRole('list', { name: 'Chosen images' })).toContainText('dropped.jpg');
  await page.getByRole('radio', { name: /^Public/ }).check();
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('heading', { name: '1 of 1 image uploaded' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'dropped.jpg' })).toBeVisible();
});
