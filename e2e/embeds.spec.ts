import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { expectImagesLoaded, photo, signUp, uniqueName, uploadFiles } from './support.ts';

/** The one-time message at the top of the page that says `text`. */
const notice = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

/** The dashboard's tiles, in the order shown. */
const tiles = (page: Page) => page.locator('#images li.tile');

/** The image ids of the tiles, in the order shown (each tile is `image-<id>`). */
const tileIds = async (page: Page) => (await tiles(page).evaluateAll((lis) => lis.map((li) => li.id))).map((id) => id.slice('image-'.length));

/** The id of the image the upload results list as `filename` (its link is `/images/<id>`). */
async function uploadedId(page: Page, filename: string) {
  const href = await page.getByRole('link', { name: filename, exact: true }).getAttribute('href');
  expect(href).toMatch(/^\/images\/[\w-]+$/);
  return href!.slice('/images/'.length);
}

/** The five fields of the share box, by label, and the accessible names of their Copy buttons. */
const CODES = [
  { key: 'page', label: 'Page link', button: 'Copy page link' },
  { key: 'direct', label: 'Direct link', button: 'Copy direct link' },
  { key: 'markdown', label: 'Markdown', button: 'Copy Markdown' },
  { key: 'html', label: 'HTML', button: 'Copy HTML' },
  { key: 'bbcode', label: 'BBCode', button: 'Copy BBCode' },
] as const;

/**
 * What the share box of a public image must offer, written out here rather than borrowed from
 * the app: `alt.markdown` and `alt.html` are its alt text already escaped for each, by hand.
 */
function expectedCodes(base: string, id: string, alt: { markdown: string; html: string }, size = { width: 900, height: 600 }) {
  const page = `${base}/images/${id}`;
  const direct = `${base}/images/${id}/display.webp`;
  return {
    page,
    direct,
    markdown: `![${alt.markdown}](${direct})`,
    html: `<img src="${direct}" alt="${alt.html}" width="${size.width}" height="${size.height}">`,
    bbcode: `[url=${page}][img]${direct}[/img][/url]`,
  };
}

/** A page of another origin, served on loopback for the length of a test; `close` ends it and its connections. */
async function anotherSite(html: string) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Whether the `<img>` with `id` has finished (loaded or failed), and how wide what it shows is (0: nothing). */
const imgState = (page: Page, id: string) =>
  page.locator(`img#${id}`).evaluate((img: HTMLImageElement) => ({ complete: img.complete, naturalWidth: img.naturalWidth }));

/**
 * A photo as an iPhone writes it: a HEIC of two images (a burst, or a Live Photo's still and its
 * companion), the first with the camera's EXIF: when (with its UTC offset), with what, and where.
 */
async function iphoneHeic(shade: number) {
  const [jpeg, other, heic] = ['primary.jpg', 'second.jpg', 'IMG_0001.HEIC'].map((name) => test.info().outputPath(name));
  await writeFile(jpeg!, await photo(shade));
  await writeFile(other!, await photo(shade + 1));
  execFileSync('exiftool', ['-q', '-overwrite_original', '-DateTimeOriginal=2024:06:01 14:30:15', '-OffsetTimeOriginal=+02:00',
    '-Make=Apple', '-Model=iPhone 15 Pro', '-GPSLatitude=48.8584', '-GPSLatitudeRef=N', '-GPSLongitude=2.2945', '-GPSLongitudeRef=E', jpeg!]);
  execFileSync('heif-enc', ['-q', '50', '-p', 'preset=ultrafast', '-o', heic!, jpeg!, other!], { stdio: 'ignore' }); // x265's fastest preset (fixtures.ts)
  return readFile(heic!);
}

/** Uploads the phone's HEIC through the form as Public; returns its image id. */
async function uploadHeic(page: Page, shade: number) {
  const bytes = await iphoneHeic(shade);
  await page.goto('/upload');
  await page.getByRole('radio', { name: /^Public/ }).check();
  await page.getByLabel('Images', { exact: true }).setInputFiles({ name: 'IMG_0001.HEIC', mimeType: 'image/heic', buffer: bytes });
  await page.getByRole('button', { name: 'Upload' }).click();
  // HEIC is decoded in WebAssembly: as long as a slow, busy machine may take.
  await expect(page.getByRole('heading', { name: '1 of 1 image uploaded' })).toBeVisible({ timeout: 90_000 });
  return uploadedId(page, 'IMG_0001.HEIC');
}

/** The value the facts list gives for `term` (its `<dd>`). */
const fact = (page: Page, term: string) =>
  page.locator('dl.facts dt').filter({ hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');

test('A public image shows on another site’s page; a private one is refused there, even to its signed-in owner', async ({ page, browser, baseURL }) => {
  await signUp(page, uniqueName('embed'));
  await uploadFiles(page, ['harbour.jpg'], 'Public');
  const publicId = await uploadedId(page, 'harbour.jpg');
  await uploadFiles(page, ['diary.jpg'], 'Private');
  const privateId = await uploadedId(page, 'diary.jpg');

  // The public image's page offers its direct link to embed.
  await page.goto(`/images/${publicId}`);
  const direct = await page.getByRole('textbox', { name: 'Direct link' }).inputValue();
  expect(direct).toBe(`${baseURL}/images/${publicId}/display.webp`);

  // The private one offers nothing to embed; its owner's page shows it from our origin only.
  await page.goto(`/images/${privateId}`);
  await expect(page.getByText('Share and embed')).toHaveCount(0);
  const privateUrl = await page.locator('.stage img').evaluate((img: HTMLImageElement) => img.src);
  expect(new URL(privateUrl).origin).toBe(baseURL);

  // What each answers, to this signed-in owner: both are there; only the public one may be shown elsewhere.
  const [pub, priv] = [await page.request.get(direct), await page.request.get(privateUrl)];
  expect(pub.status()).toBe(200);
  expect(pub.headers()['cross-origin-resource-policy']).toBe('cross-origin');
  expect(priv.status()).toBe(200);
  expect(priv.headers()['cross-origin-resource-policy']).toBe('same-origin');

  // Someone's blog, on another port of the same host: same site, so the owner's cookie goes along.
  const site = await anotherSite(`<!doctype html><html><head><title>My blog</title></head><body>
    <h1>My blog</h1><img id="pub" src="${direct}" alt="The harbour"><img id="priv" src="${privateUrl}" alt="My diary">
  </body></html>`);
  try {
    const failures: string[] = [];
    page.on('requestfailed', (r) => r.url() === privateUrl && failures.push(r.failure()?.errorText ?? ''));
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

    // The owner, still signed in, opens it: the public image shows, the private one does not.
    await page.goto(`http://localhost:${site.port}/`);
    await expect(page.getByRole('heading', { name: 'My blog' })).toBeVisible();
    await expect.poll(async () => (await imgState(page, 'pub')).naturalWidth, { message: 'the public image on the other site' }).toBeGreaterThan(0);
    await expect.poll(async () => (await imgState(page, 'priv')).complete, { message: 'the private image settles' }).toBe(true);
    expect((await imgState(page, 'priv')).naturalWidth, 'the private image on the other site').toBe(0);
    // Refused by its Cross-Origin-Resource-Policy (not missing: the cookie went along), where Chromium says why.
    const reasons = [...failures, ...consoleErrors.filter((t) => t.includes('ERR_'))];
    if (reasons.length > 0) expect(reasons.join('\n')).toContain('ERR_BLOCKED_BY_RESPONSE');

    // A stranger, signed out, on a site of its own (127.0.0.1 is not localhost): the public image shows.
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(`http://127.0.0.1:${site.port}/`);
    await expect(stranger.getByRole('heading', { name: 'My blog' })).toBeVisible();
    await expect.poll(async () => (await imgState(stranger, 'pub')).naturalWidth, { message: 'the public image on a stranger’s page' }).toBeGreaterThan(0);
    await expect.poll(async () => (await imgState(stranger, 'priv')).complete).toBe(true);
    expect((await imgState(stranger, 'priv')).naturalWidth).toBe(0);
    await stranger.context().close();
  } finally {
    await site.close();
  }
});

test('Each Copy button of the share box copies exactly its code, escaped for where it goes', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] })).newPage();
  await signUp(page, uniqueName('copy'));
  await uploadFiles(page, ['sunset.jpg'], 'Public');
  const id = await uploadedId(page, 'sunset.jpg');

  // A title with markup, an ampersand, quotes and brackets: it is the alt text too.
  await page.goto(`/images/${id}`);
  const title = 'Sunset <b>&"quotes" [1]';
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(notice(page, 'Details saved.')).toBeVisible();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();

  const expected = expectedCodes(baseURL!, id, { markdown: 'Sunset <b>&"quotes" \\[1\\]', html: 'Sunset &lt;b&gt;&amp;&quot;quotes&quot; [1]' });
  // Each button: its code on the clipboard, and it says so.
  for (const code of CODES) {
    await expect(page.getByRole('textbox', { name: code.label, exact: true })).toHaveValue(expected[code.key]);
    const button = page.getByRole('button', { name: code.button, exact: true });
    await button.click();
    await expect(button).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText()), code.label).toBe(expected[code.key]);
  }

  // The direct link is the image itself, as WebP.
  const image = await page.request.get(expected.direct);
  expect(image.status()).toBe(200);
  expect(image.headers()['content-type']).toBe('image/webp');
  await page.context().close();
});

test('Without JavaScript, the share box is plain text to select and the page carries its link preview', async ({ browser, baseURL }) => {
  const owner = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await signUp(owner, uniqueName('embednojs'));
  await uploadFiles(owner, ['lighthouse.jpg'], 'Public');
  const publicId = await uploadedId(owner, 'lighthouse.jpg');
  await uploadFiles(owner, ['notes.jpg'], 'Private');
  const privateId = await uploadedId(owner, 'notes.jpg');

  // A visitor without JavaScript: five read-only fields with the codes, no Copy buttons.
  const visitor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await visitor.goto(`/images/${publicId}`);
  const expected = expectedCodes(baseURL!, publicId, { markdown: 'lighthouse.jpg', html: 'lighthouse.jpg' });
  for (const code of CODES) {
    const field = visitor.getByRole('textbox', { name: code.label, exact: true });
    await expect(field).toBeVisible();
    await expect(field).toHaveValue(expected[code.key]);
    await expect(field).not.toBeEditable();
    // (There, but hidden: only the script can copy.)
    const button = visitor.getByRole('button', { name: code.button, exact: true, includeHidden: true });
    await expect(button).toBeAttached();
    await expect(button).toBeHidden();
  }

  // Its head: the picture for link previews (absolute, WebP), and where to ask for an oEmbed.
  const ogImage = await visitor.locator('meta[property="og:image"]').getAttribute('content');
  expect(ogImage).toMatch(new RegExp(`^${baseURL}/.+\\.webp$`));
  await expect(visitor.locator('link[rel="alternate"][type="application/json+oembed"]')).toHaveCount(1);
  await visitor.context().close();

  // The private image's page, even for its owner, tells link previews nothing.
  await owner.goto(`/images/${privateId}`);
  await expect(owner.getByRole('heading', { name: 'notes.jpg', level: 1 })).toBeVisible();
  await expect(owner.locator('meta[property^="og:"]')).toHaveCount(0);
  await owner.context().close();
});

test('A photo from a phone (HEIC): its primary image is kept, its camera facts are the owner’s alone', { tag: '@2x' }, async ({ page, browser }) => {
  await signUp(page, uniqueName('heic'));
  const id = await uploadHeic(page, 60);
  await expect(page.getByText('This HEIC holds 2 images (a burst or a moving photo): its primary image was kept.')).toBeVisible();

  // Its page: the picture shows, and its owner reads when, with what and where it was taken.
  await page.getByRole('link', { name: 'IMG_0001.HEIC', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/images/${id}$`));
  await expectImagesLoaded(page);
  await expect(fact(page, 'Taken')).toHaveText('2024-06-01 14:30 (UTC+02:00)');
  await expect(fact(page, 'Camera')).toHaveText('Apple iPhone 15 Pro');
  const location = fact(page, 'Location');
  await expect(location).toContainText('48.8584, 2.2945');
  await expect(location.getByRole('link', { name: /Map/ })).toHaveAttribute('href', /^https:\/\/www\.openstreetmap\.org\//);

  // A visitor sees the picture, but nothing of the camera, the time or the place.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`/images/${id}`);
  await expect(visitor.getByRole('heading', { name: 'IMG_0001.HEIC', level: 1 })).toBeVisible();
  await expectImagesLoaded(visitor);
  for (const secret of ['iPhone', 'Apple', '48.8584', 'Location', 'Taken']) {
    await expect(visitor.locator('body'), secret).not.toContainText(secret);
  }
  // And the visitor's download is a JPEG anyone can open (not the phone's HEIC).
  const original = await visitor.request.get(`/images/${id}/original`);
  expect(original.status()).toBe(200);
  expect(original.headers()['content-type']).toBe('image/jpeg');
  await visitor.context().close();
});

test('Sorting by date taken puts an older photo after today’s uploads', async ({ page }) => {
  await signUp(page, uniqueName('taken'));
  // Two images without EXIF (their date is their upload), then the phone's photo of 2024.
  await uploadFiles(page, ['today-1.jpg', 'today-2.jpg']);
  const heicId = await uploadHeic(page, 90);

  // Newest first: the photo just uploaded leads.
  await page.goto('/dashboard');
  await expect(tiles(page)).toHaveCount(3);
  expect((await tileIds(page))[0]).toBe(heicId);

  // By date taken: it goes to the end.
  await page.getByLabel('Sort', { exact: true }).selectOption({ label: 'Date taken' });
  await expect(page).toHaveURL(/[?&]sort=taken(&|$)/);
  await expect(tiles(page)).toHaveCount(3);
  await expect.poll(async () => (await tileIds(page)).at(-1)).toBe(heicId);
});
