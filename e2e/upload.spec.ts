import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page, type Request } from '@playwright/test';
import { closeSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { logOut, photo, signUp, uniqueName, uploadFiles } from './support.ts';

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

/** Writes `files` where this test keeps its output; their paths, for setInputFiles. */
function onDisk(files: Record<string, Buffer | number>) {
  return Object.entries(files).map(([name, content]) => {
    const path = test.info().outputPath(name);
    if (typeof content === 'number') {
      // A sparse file of that size: as big as needed, written in no time.
      const fd = openSync(path, 'w');
      ftruncateSync(fd, content);
      closeSync(fd);
    } else writeFileSync(path, content);
    return path;
  });
}

/** Every POST /upload the page makes; `window.sentFiles` names the files of the last one. */
async function uploadsOf(page: Page) {
  await page.addInitScript(() => {
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (body) {
      if (body instanceof FormData) (window as unknown as { sentFiles: string[] }).sentFiles = body.getAll('images').map((f) => (f as File).name);
      return send.call(this, body);
    };
  });
  const sent: Request[] = [];
  page.on('request', (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/upload' && sent.push(r));
  return sent;
}

/** Records, as they happen, the status line's texts and whether the form was busy with its button disabled. */
async function watchUpload(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { statuses: string[]; busyStates: string[] };
    const form = document.getElementById('upload-form')!;
    const status = document.getElementById('upload-status')!;
    const button = form.querySelector('button[type=submit]') as HTMLButtonElement;
    w.statuses = [];
    w.busyStates = [];
    new MutationObserver(() => w.statuses.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
    new MutationObserver(() => w.busyStates.push(`${form.getAttribute('aria-busy')}:${button.disabled}:${button.textContent}`))
      .observe(form, { attributes: true, attributeFilter: ['aria-busy'] });
  });
  return () => page.evaluate(() => {
    const w = window as unknown as { statuses: string[]; busyStates: string[] };
    return { statuses: w.statuses, busyStates: w.busyStates };
  });
}

const imagesInput = (page: Page) => page.getByLabel('Images', { exact: true });
const chosen = (page: Page) => page.getByRole('list', { name: 'Chosen images' }).getByRole('listitem');

test('files the server would refuse are marked and not sent; processing is reported; results replace the form', async ({ page }) => {
  await signUp(page, uniqueName('up'));
  const sent = await uploadsOf(page);
  await page.goto('/upload');
  const form = page.locator('#upload-form');
  const maxFileBytes = Number(await form.getAttribute('data-max-file-bytes'));
  const maxFileSize = await form.getAttribute('data-max-file-size');

  // Two photos, one over the size limit, a drawing and a document.
  await imagesInput(page).setInputFiles(onDisk({
    'one.jpg': await photo(1), 'big.jpg': maxFileBytes + 1, 'two.jpg': await photo(2),
    'drawing.svg': Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'), 'notes.pdf': Buffer.from('%PDF-1.4\n%%EOF'),
  }));
  await expect(chosen(page)).toHaveCount(5);
  const tile = (name: string) => chosen(page).filter({ hasText: name });
  await expect(tile('big.jpg')).toContainText(`Refused: File is larger than the limit of ${maxFileSize}`);
  for (const name of ['drawing.svg', 'notes.pdf']) await expect(tile(name)).toContainText('Refused: Not a JPEG, PNG, WebP, GIF, AVIF or HEIC image');
  for (const name of ['big.jpg', 'drawing.svg', 'notes.pdf']) {
    // An icon, not a preview the browser cannot show, and no progress bar.
    await expect(tile(name).locator('img')).toHaveCount(0);
    await expect(tile(name).locator('svg.icon')).toHaveCount(1);
    await expect(tile(name).getByRole('progressbar')).toHaveCount(0);
  }
  await expect(page.getByRole('status')).toHaveText('2 images ready to upload, 3 refused');

  const watched = await watchUpload(page);
  await page.getByRole('radio', { name: /^Public/ }).check();
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('heading', { name: '2 of 5 images uploaded' })).toBeVisible({ timeout: 90_000 });

  // Only the two photos went to the server (Chromium does not show Playwright a body of files:
  // the page's FormData, and the request's length, tell what was sent).
  expect(sent).toHaveLength(1);
  expect(Number((await sent[0]!.allHeaders())['content-length'])).toBeLessThan(maxFileBytes);
  expect(await page.evaluate(() => (window as unknown as { sentFiles: string[] }).sentFiles)).toEqual(['one.jpg', 'two.jpg']);

  // While it worked, the form was busy, its button disabled, and it said which file was processed.
  const { statuses, busyStates } = await watched();
  expect(statuses).toContain('Processing 2 of 2');
  expect(statuses.filter((s) => /^Processing \d of 2$/.test(s)).length).toBeGreaterThan(0);
  expect(busyStates[0]).toBe('true:true:Uploading…');
  expect(busyStates.at(-1)).toBe('false:false:Upload');

  // The results sit at the top, in place of the form: thumbnails for the stored, a mark for the refused.
  await expect(form).toBeHidden();
  await expect(page.getByRole('heading', { name: '2 of 5 images uploaded' })).toBeInViewport();
  const results = page.getByRole('list', { name: '2 of 5 images uploaded' }).getByRole('listitem');
  await expect(results).toHaveCount(5);
  await expect(results.nth(0)).toContainText('one.jpg');
  await expect(results.nth(1)).toContainText('big.jpg');
  for (const name of ['one.jpg', 'two.jpg']) {
    const link = page.getByRole('link', { name, exact: true });
    await expect(link).toHaveAttribute('href', /^\/images\/[\w-]+$/);
    await expect.poll(() => link.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  }
  for (const name of ['big.jpg', 'drawing.svg', 'notes.pdf']) {
    const item = results.filter({ hasText: name });
    await expect(item).toContainText('Refused:');
    await expect(item.locator('img')).toHaveCount(0);
    await expect(item.getByRole('progressbar')).toHaveCount(0);
  }

  // The selection is cleared: "Upload more" brings back an empty form.
  await page.getByRole('link', { name: 'Upload more' }).click();
  await expect(form).toBeVisible();
  await expect(chosen(page)).toHaveCount(0);
  expect(await imagesInput(page).evaluate((input: HTMLInputElement) => input.files!.length)).toBe(0);
  await expect(page.getByRole('radio', { name: /^Public/ })).toBeChecked();
});

test('files beyond the count are refused, and nothing is sent when no file can be', async ({ page }) => {
  await signUp(page, uniqueName('up'));
  await page.goto('/upload');
  const maxFiles = Number(await page.locator('#upload-form').getAttribute('data-max-files'));
  const sent = await uploadsOf(page);
  const tiny = await photo(9, 8, 8);
  await imagesInput(page).setInputFiles(Array.from({ length: maxFiles + 1 }, (_, i) => ({ name: `n${i}.jpg`, mimeType: 'image/jpeg', buffer: tiny })));
  await expect(chosen(page)).toHaveCount(maxFiles + 1);
  await expect(chosen(page).last()).toContainText(`Refused: Too many files: at most ${maxFiles} per upload`);
  await expect(chosen(page).nth(maxFiles - 1)).not.toContainText('Refused');

  await imagesInput(page).setInputFiles([
    { name: 'drawing.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') },
    { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) },
  ]);
  await expect(chosen(page).filter({ hasText: 'Refused' })).toHaveCount(2);
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('alert')).toHaveText('None of the chosen files can be uploaded: each says why.');
  expect(sent).toHaveLength(0);
  await expect(page.locator('#upload-form')).toBeVisible();
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
  await expect(page.getByRole('heading', { name: '1 of 1 image uploaded' })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole('link', { name: 'dropped.jpg' })).toBeVisible();
});

test('the drop hint shows only with a script and a pointer that can drag', async ({ browser }) => {
  const hint = 'or drop them anywhere on this page, or paste them';
  for (const [options, shown] of [[{}, true], [{ hasTouch: true, isMobile: true }, false], [{ javaScriptEnabled: false }, false]] as const) {
    const page = await (await browser.newContext(options)).newPage();
    await signUp(page, uniqueName('hint'));
    await page.goto('/upload');
    await expect(imagesInput(page)).toBeVisible();
    if (shown) await expect(page.getByText(hint)).toBeVisible();
    else await expect(page.getByText(hint)).toBeHidden();
    await page.context().close();
  }
});

test('with a script, the visibility last chosen is chosen again, unless the URL asks for one', async ({ page }) => {
  await signUp(page, uniqueName('up'));
  await page.goto('/upload');
  await expect(page.getByRole('radio', { name: /^Private/ })).toBeChecked();
  await page.getByRole('radio', { name: /^Public/ }).check();
  await page.reload();
  await expect(page.getByRole('radio', { name: /^Public/ })).toBeChecked();
  await page.goto('/upload?visibility=private');
  await expect(page.getByRole('radio', { name: /^Private/ })).toBeChecked();
  // The segmented control is a radio group: the arrow keys move the choice.
  await page.getByRole('radio', { name: /^Private/ }).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('radio', { name: /^Public/ })).toBeChecked();
  await page.goto('/upload');
  await expect(page.getByRole('radio', { name: /^Public/ })).toBeChecked();
});

test('without a script: the results come first, and the form after them keeps the visibility just sent', async ({ browser }) => {
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await signUp(page, uniqueName('nojs'));
  await page.goto('/upload?visibility=public');
  await expect(page.getByRole('radio', { name: /^Public/ })).toBeChecked();
  await page.getByRole('radio', { name: /^Private/ }).check();
  await page.getByRole('radio', { name: /^Public/ }).check();
  await imagesInput(page).setInputFiles([
    { name: 'plain.jpg', mimeType: 'image/jpeg', buffer: await photo(5) },
    { name: 'drawing.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') },
  ]);
  await page.getByRole('button', { name: 'Upload' }).click();
  const heading = page.getByRole('heading', { name: '1 of 2 images uploaded' });
  await expect(heading).toBeInViewport({ timeout: 90_000 });
  await expect(page.getByRole('listitem').filter({ hasText: 'drawing.svg' })).toContainText('Refused: Not an image we can read');
  await expect(page.getByRole('link', { name: 'plain.jpg', exact: true }).locator('img')).toHaveJSProperty('complete', true);
  const form = page.locator('#upload-form');
  expect((await heading.boundingBox())!.y).toBeLessThan((await form.boundingBox())!.y);
  await expect(page.getByRole('radio', { name: /^Public/ })).toBeChecked();
  await page.getByRole('link', { name: 'Upload more' }).click();
  await expect(page).toHaveURL(/\/upload\?visibility=public$/);
  await expect(page.getByRole('radio', { name: /^Public/ })).toBeChecked();
  await page.context().close();
});

test('the other stories\' upload helper works with and without a script', async ({ browser }) => {
  for (const javaScriptEnabled of [true, false]) {
    const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
    await signUp(page, uniqueName('helper'));
    await uploadFiles(page, ['helper-a.jpg', 'helper-b.jpg'], 'Public');
    await expect(page.getByRole('link', { name: 'helper-a.jpg', exact: true })).toHaveAttribute('href', /^\/images\/[\w-]+$/);
    await page.context().close();
  }
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no serious axe violation with files chosen and with results (${colorScheme})`, async ({ browser }) => {
    const page = await (await browser.newContext({ colorScheme })).newPage();
    const serious = async () => (await new AxeBuilder({ page }).analyze()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`);
    await signUp(page, uniqueName('axe'));
    await page.goto('/upload');
    await imagesInput(page).setInputFiles([
      { name: 'fine.jpg', mimeType: 'image/jpeg', buffer: await photo(6) },
      { name: 'drawing.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') },
    ]);
    await expect(chosen(page)).toHaveCount(2);
    expect(await serious()).toEqual([]);
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(page.getByRole('heading', { name: '1 of 2 images uploaded' })).toBeVisible({ timeout: 90_000 });
    expect(await serious()).toEqual([]);
    await page.context().close();
  });
}

test('an upload refused as a whole says why where the files were chosen, with a way to log in when signed out meanwhile', async ({ page }) => {
  const name = uniqueName('upout');
  await signUp(page, name);
  await page.goto('/upload');
  // The same person logs out in another tab: this tab's session is gone on the server.
  const other = await page.context().newPage();
  await other.goto('/dashboard');
  await logOut(other, name);
  await other.close();

  await page.getByLabel('Images', { exact: true }).setInputFiles([{ name: 'late.jpg', mimeType: 'image/jpeg', buffer: await photo(90) }]);
  await page.getByRole('button', { name: 'Upload' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'You are signed out.' });
  await expect(alert).toBeVisible();
  await expect(alert.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login');
  // In sight, clear of the button bar that stays at the bottom of the screen (nothing scrolled by the test).
  await expect(alert).toBeInViewport({ ratio: 1 });
  const [box, bar] = [await alert.boundingBox(), await page.locator('.upload-actions').boundingBox()];
  expect(box!.y + box!.height).toBeLessThanOrEqual(bar!.y);
  // The choice stays, to send again once logged in.
  await expect(page.getByLabel('Images', { exact: true })).toBeVisible();
});
