import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { PASSWORD, photo, signUp, uniqueName } from './support.ts';

const run = promisify(execFile);

/** A screenshot as ShareX or a desktop tool saves one: a real PNG, different for each `shade`. */
const screenshot = (shade: number) =>
  sharp({ create: { width: 960, height: 540, channels: 3, background: { r: 30, g: shade % 256, b: 90 } } }).png().toBuffer();

/** The row of the token list that names `name`. */
const tokenRow = (page: Page, name: string) =>
  page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });

/** Creates a token on the tokens page (already open) and returns it, as the page shows it once. */
async function createToken(page: Page, name: string, scope: 'read' | 'write') {
  await page.getByLabel('Name').fill(name);
  await page.getByRole('radio', { name: scope === 'write' ? /^Read and write/ : /^Read:/ }).check();
  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByText('Copy this token now; it will not be shown again.')).toBeVisible();
  const token = await page.getByLabel(new RegExp(`^Token “${name}”`)).inputValue();
  expect(token).toMatch(/^cir_\S+$/);
  return token;
}

/** A signed-up person on their tokens page, with a token called `name`. */
async function personWithToken(page: Page, name: string, scope: 'read' | 'write') {
  await signUp(page, uniqueName('api'));
  await page.goto('/settings/tokens');
  return createToken(page, name, scope);
}

/** An upload of one file through the API with `token`, as a script would send it. */
async function apiUpload(baseURL: string, token: string, file: Buffer, name: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append('images', new Blob([new Uint8Array(file)], { type: 'image/jpeg' }), name);
  for (const [key, value] of Object.entries({ visibility: 'private', ...fields })) form.append(key, value);
  return fetch(`${baseURL}/api/v1/images`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
}

/** ShareX's `{json:a[0].b}` syntax, resolved against a parsed JSON answer. */
function sharexJson(template: string, answer: unknown) {
  const path = template.match(/^\{json:(.+)\}$/)?.[1];
  if (!path) throw new Error(`not a {json:…} template: ${template}`);
  return path.split(/[.[\]]+/).filter(Boolean)
    .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], answer);
}

test('a person makes a token in settings and uploads with the curl command it prints', async ({ page }) => {
  await signUp(page, uniqueName('curl'));
  // From the header's Settings to the tokens page.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByRole('link', { name: 'Manage API tokens' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();
  await expect(page.getByText('No tokens yet.')).toBeVisible();
  // A token that may upload.
  const token = await createToken(page, 'laptop', 'write');
  const command = await page.getByLabel('Upload an image with curl').inputValue();
  expect(command).toContain(`Bearer ${token}`);
  expect(command).toContain('screenshot.png');
  // Pasted into a shell in the folder that holds screenshot.png, as the page means it to be.
  const folder = test.info().outputPath('curl');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'screenshot.png'), await screenshot(40));
  const { stdout } = await run('bash', ['-c', command], { cwd: folder });
  const answer = JSON.parse(stdout) as { results: { filename: string; status: string; url: string }[] };
  expect(answer.results).toEqual([expect.objectContaining({ filename: 'screenshot.png', status: 'stored' })]);
  // The dashboard shows it, linked to the page the API named.
  await page.goto('/dashboard');
  const tile = page.getByRole('link', { name: 'screenshot.png', exact: true });
  await expect(tile).toBeVisible();
  const href = new URL((await tile.getAttribute('href'))!, page.url());
  expect(href.pathname).toBe(new URL(answer.results[0]!.url).pathname);
  // The token's row now says when it was used (written beside the request, so read it again until it shows).
  await page.goto('/settings/tokens');
  const lastUsed = tokenRow(page, 'laptop').getByRole('cell').nth(3);
  await expect(async () => {
    await page.reload();
    await expect(lastUsed).not.toHaveText('Never', { timeout: 1_000 });
  }).toPass();
  await expect(lastUsed.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);
});

test('the ShareX uploader downloads and uploads as ShareX would', async ({ page, browser }) => {
  const token = await personWithToken(page, 'sharex', 'write');
  // The uploader file comes from a form post, as a download.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download ShareX uploader (.sxcu)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.sxcu$/);
  const sxcu = JSON.parse(await readFile(await download.path(), 'utf8'));
  expect(sxcu.RequestURL).toMatch(/\/api\/v1\/images$/);
  expect(sxcu).toMatchObject({ RequestMethod: 'POST', Body: 'MultipartFormData', FileFormName: 'images' });
  expect(sxcu.Headers.Authorization).toMatch(/^Bearer cir_/);
  expect(sxcu.Headers.Authorization).toBe(`Bearer ${token}`);
  // Replayed as ShareX sends it: the file under FileFormName, the Arguments as fields, the headers.
  const form = new FormData();
  form.append(sxcu.FileFormName, new Blob([new Uint8Array(await screenshot(120))], { type: 'image/png' }), 'ShareX_2026-11-25.png');
  for (const [key, value] of Object.entries(sxcu.Arguments as Record<string, string>)) form.append(key, value);
  const response = await fetch(sxcu.RequestURL, { method: sxcu.RequestMethod, headers: sxcu.Headers, body: form });
  expect(response.status).toBe(201);
  const url = sharexJson(sxcu.URL, await response.json());
  expect(url).toEqual(expect.any(String));
  // The link ShareX copies opens for someone with no session at all.
  const stranger = await (await browser.newContext()).newPage();
  const opened = await stranger.goto(url as string);
  expect(opened!.status()).toBe(200);
  expect(opened!.headers()['content-type']).toBe('image/webp');
  await expect.poll(() => stranger.evaluate(() => document.images[0]?.naturalWidth ?? 0)).toBeGreaterThan(0);
});

test('revoking a token stops it', async ({ page, baseURL }) => {
  const token = await personWithToken(page, 'script', 'read');
  const me = () => fetch(`${baseURL}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  // It works.
  const before = await me();
  expect(before.status).toBe(200);
  // Revoked from the list, it shows as such and has no button any more.
  const row = tokenRow(page, 'script');
  await row.getByRole('button', { name: 'Revoke script' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Token “script” revoked.' })).toBeVisible();
  await expect(row).toContainText('Revoked');
  await expect(row.getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
  // The same call is now refused, as a problem document.
  const after = await me();
  expect(after.status).toBe(401);
  expect(after.headers.get('content-type')).toBe('application/problem+json');
  expect(await after.json()).toMatchObject({ status: 401, type: '/api/docs#problem-401' });
});

test('a read token cannot upload', async ({ page, baseURL }) => {
  const token = await personWithToken(page, 'reader', 'read');
  // No ShareX uploader for it, and its command lists images rather than sending one.
  await expect(page.getByRole('button', { name: /ShareX/ })).toHaveCount(0);
  const command = await page.getByLabel('List your images with curl').inputValue();
  expect(command).toContain(`Bearer ${token}`);
  expect(command).not.toMatch(/\s-F\s/); // curl's form field; a token may hold "-F" (cir_…cu-FFv…)
  const { stdout } = await run('bash', ['-c', command]);
  expect(JSON.parse(stdout)).toEqual({ images: [], next_cursor: null });
  // An upload with it is forbidden.
  const refused = await apiUpload(baseURL!, token, await photo(77), 'nope.jpg');
  expect(refused.status).toBe(403);
  expect(refused.headers.get('content-type')).toBe('application/problem+json');
});

test('the API docs show the endpoints', async ({ page, browser }) => {
  // With JavaScript, Swagger UI renders the OpenAPI document, upload included.
  await page.goto('/api/docs');
  await expect(page.getByRole('heading', { name: 'API', level: 1 })).toBeVisible();
  const upload = page.locator('#swagger-ui .opblock-post').filter({ has: page.locator('[data-path="/api/v1/images"]') });
  await expect(upload).toContainText('Upload images');
  // Opened, it explains the operation.
  await upload.getByRole('button', { name: /^POST/ }).first().click();
  await expect(upload.getByText('The same checks, limits and quota as the upload form')).toBeVisible();
  await expect(page.getByText('The interactive reference needs JavaScript')).toHaveCount(0);
  // Without it: the intro, the problems, and a word about the reference.
  const plain = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await plain.goto('/api/docs');
  await expect(plain.getByText('Authorization: Bearer cir_…')).toBeVisible();
  await expect(plain.getByRole('heading', { name: 'Problems' })).toBeVisible();
  for (const status of ['401', '429']) await expect(plain.getByRole('term').filter({ hasText: status })).toBeVisible();
  await expect(plain.getByRole('definition').filter({ hasText: 'Retry-After' }).first()).toBeVisible();
  await expect(plain.getByText('The interactive reference needs JavaScript')).toBeVisible();
});

test('the token page works without JavaScript', async ({ browser }) => {
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  // Made and shown with plain forms.
  const token = await personWithToken(page, 'no-js', 'write');
  await expect(page.getByLabel('Upload an image with curl')).toHaveValue(new RegExp(`Bearer ${token}`));
  await expect(page.getByRole('button', { name: 'Download ShareX uploader (.sxcu)' })).toBeVisible();
  // The Copy buttons need scripts: without them they stay hidden.
  await expect(page.getByRole('button', { name: 'Copy' })).toHaveCount(0);
  await expect(tokenRow(page, 'no-js')).toContainText('Live');
});
