import { expect, test } from '@playwright/test';
import { signUp, uniqueName, uploadFiles } from './support.ts';

test('the arrow keys walk through the list an image was opened from', async ({ page }) => {
  await signUp(page, uniqueName('walker'));
  // One at a time: images of one upload share their timestamp.
  for (const name of ['first.jpg', 'second.jpg', 'third.jpg']) await uploadFiles(page, [name]);

  // Oldest first, so the walk follows upload order.
  await page.goto('/dashboard?sort=oldest');
  await page.locator('li.card a.filename').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('first.jpg');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('second.jpg');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('third.jpg');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('second.jpg');
  // Typing in a field does not navigate.
  await page.getByLabel('Title').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('second.jpg');
});
