import { expect, test, type Page } from '@playwright/test';
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

/** Logs out with the header's button and lands on the home page, signed out. */
export async function logOut(page: Page, username: string) {
  await page.getByRole('button', { name: `Log out ${username}` }).click();
  await expect(page.getByRole('link', { name: 'Log in', exact: true })).toBeVisible();
}

/** Sends the login form; where it leads (the dashboard, the second factor, an error) is the caller's to check. */
export async function logIn(page: Page, login: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

/**
 * A JPEG of one colour (`shade` tells them apart, so none is a duplicate). Wider than the 400 px
 * thumbnail, so its 2x thumbnail is a file of its own: from a smaller photo both come out the
 * same bytes under one hash, and a 2x URL answered with the 1x thumbnail passed unnoticed.
 */
export function photo(shade: number, width = 900, height = 600) {
  return sharp({ create: { width, height, channels: 3, background: { r: shade % 256, g: 110, b: 170 } } }).jpeg().toBuffer();
}

/** The same person moves `filename` to the trash from another tab (this tab's page stays as it was). */
export async function trashInAnotherTab(page: Page, filename: string) {
  const other = await page.context().newPage();
  await other.goto('/dashboard');
  await other.getByRole('button', { name: `Delete ${filename}` }).click();
  await expect(other.locator('#toasts')).toContainText(`Moved “${filename}” to the trash.`);
  await other.close();
}

/** The toast an htmx request's error brings (web/errors.tsx), saying `text`, in sight; nothing of it in the page. */
export async function expectErrorToast(page: Page, text: string | RegExp) {
  const toast = page.locator('#toasts [role=alert]');
  await expect(toast).toHaveText(text);
  await expect(toast).toBeInViewport();
  await expect(page.locator('#main [role=alert]')).toHaveCount(0);
  return toast;
}

let uploaded = 0;

/** Uploads `names` in one request through the form (at `from`), each a different picture. */
export async function uploadFiles(page: Page, names: string[], visibility: 'Public' | 'Private' = 'Private', from = '/upload') {
  await page.goto(from);
  await page.getByRole('radio', { name: new RegExp(`^${visibility}`) }).check();
  await page.getByLabel('Images', { exact: true }).setInputFiles(
    await Promise.all(names.map(async (name) => ({ name, mimeType: 'image/jpeg', buffer: await photo(20 + uploaded++ * 37) }))),
  );
  await page.getByRole('button', { name: 'Upload' }).click();
  const n = names.length;
  // Decoding takes as long as the machine needs (one account decodes one file at a time): wait
  // for the answer as long as a slow machine may take, not as long as a fast one does.
  await expect(page.getByRole('heading', { name: `${n} of ${n} image${n === 1 ? '' : 's'} uploaded` })).toBeVisible({ timeout: 90_000 });
}

/**
 * Every <img> on the page has loaded: none broken, lazy ones included (they are asked for now).
 * On a 2x screen (the `hidpi` project) each srcset's 2x candidate must be the one shown, so a
 * broken 2x URL cannot hide behind its 1x fallback.
 */
export async function expectImagesLoaded(page: Page) {
  const { count, ratio } = await page.evaluate(() => {
    for (const img of document.images) img.loading = 'eager';
    return { count: document.images.length, ratio: devicePixelRatio };
  });
  expect(count, `no <img> on ${page.url()}`).toBeGreaterThan(0);
  expect(ratio, 'the device scale factor of this project').toBe(test.info().project.use.deviceScaleFactor ?? 1);
  await expect.poll(() => page.evaluate(() => [...document.images].filter((img) => !img.complete).map((img) => img.src)),
    { message: `images still loading on ${page.url()}` }).toEqual([]);
  const problems = await page.evaluate(() => [...document.images].flatMap((img) => {
    if (img.naturalWidth === 0) return [`did not load: ${img.currentSrc || img.src}`];
    const twice = img.srcset.split(',').map((c) => c.trim().split(/\s+/)).find(([, density]) => density === '2x');
    if (devicePixelRatio >= 2 && twice && img.currentSrc !== new URL(twice[0]!, location.href).href) {
      return [`shows ${img.currentSrc} instead of its 2x candidate ${twice[0]}`];
    }
    return [];
  }));
  expect(problems, `images on ${page.url()}`).toEqual([]);
}
