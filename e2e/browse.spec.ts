import { expect, test } from '@playwright/test';
import sharp from 'sharp';

const photo = (shade: number) =>
  sharp({ create: { width: 200, height: 150, channels: 3, background: { r: shade, g: 90, b: 160 } } }).jpeg().toBuffer();

test('the arrow keys walk through the list an image was opened from', async ({ page }) => {
  const name = `walker${Date.now().toString(36)}`;
  await page.goto('/signup');
  await page.getByLabel('Email').fill(`${name}@example.com`);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill('a long enough passphrase');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.goto('/upload');
  await page.getByLabel('Images', { exact: true }).setInputFiles(await Promise.all(
    ['first.jpg', 'second.jpg', 'third.jpg'].map(async (n, i) => ({ name: n, mimeType: 'image/jpeg', buffer: await photo(40 + i * 60) })),
  ));
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('heading', { name: '3 of 3 images uploaded' })).toBeVisible();

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
