import { expect, type Page } from '@playwright/test';
import sharp from 'sharp';

export const PASSWORD = 'a long enough passphrase';

/** A unique username for this run. */
export const uniqueName = (prefix: string) => `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;

/** Signs up through the form and lands on the dashboard. */
export async function signUp(page: Page, username: string) {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** A small JPEG of one colour (`shade` tells them apart, so none is a duplicate). */
export function photo(shade: number, width = 200, height = 150) {
  return sharp({ create: { width, height, channels: 3, background: { r: shade % 256, g: 110, b: 170 } } }).jpeg().toBuffer();
}

let uploaded = 0;

/** Uploads `names` in one request through the form, each a different picture. */
export async function uploadFiles(page: Page, names: string[], visibility: 'Public' | 'Private' = 'Private') {
  await page.goto('/upload');
  await page.getByRole('radio', { name: new RegExp(`^${visibility}`) }).check();
  await page.getByLabel('Images', { exact: true }).setInputFiles(
    await Promise.all(names.map(async (name) => ({ name, mimeType: 'image/jpeg', buffer: await photo(20 + uploaded++ * 37) }))),
  );
  await page.getByRole('button', { name: 'Upload' }).click();
  const n = names.length;
  await expect(page.getByRole('heading', { name: `${n} of ${n} image${n === 1 ? '' : 's'} uploaded` })).toBeVisible();
}
