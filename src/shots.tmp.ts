import { chromium, type Page } from 'playwright';
import sharp from 'sharp';
const base = 'http://localhost:3555';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const PW = 'correct horse battery';
async function login(p: Page, user: string) {
  await p.goto(`${base}/login`);
  await p.fill('#f-username', user); await p.fill('#f-password', PW);
  await p.click('form[action="/login"] button[type=submit]');
}
async function shoot(user: string | null, pages: string[], opts: { width: number; dark?: boolean; js?: boolean; tag: string }) {
  const ctx = await browser.newContext({ viewport: { width: opts.width, height: 900 }, colorScheme: opts.dark ? 'dark' : 'light', javaScriptEnabled: opts.js ?? true });
  const p = await ctx.newPage();
  if (user) await login(p, user);
  for (const path of pages) {
    await p.goto(base + path);
    await p.screenshot({ path: `/tmp/shots/${opts.tag}-${user}-${path.replace(/[/?=&]/g, '_')}.png`, fullPage: true });
  }
  await ctx.close();
}
const mode = process.argv[2];
if (mode === 'seed') {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  for (const [u, e] of [['admin', 'admin@example.com'], ['alice', 'alice@example.com'], ['bob', 'bob@example.com']]) {
    await p.goto(`${base}/signup`);
    await p.fill('#f-email', e!); await p.fill('#f-username', u!); await p.fill('#f-password', PW);
    await p.click('form[action="/signup"] button[type=submit]');
    await p.context().clearCookies();
  }
  await login(p, 'alice');
  await p.goto(`${base}/upload`);
  await p.getByRole('radio', { name: /^Public/ }).check();
  const buf = (r: number) => sharp({ create: { width: 900, height: 600, channels: 3, background: { r, g: 120, b: 180 } } }).jpeg().toBuffer();
  await p.getByLabel('Images', { exact: true }).setInputFiles([
    { name: 'harbour.jpg', mimeType: 'image/jpeg', buffer: await buf(30) }, { name: 'meadow.jpg', mimeType: 'image/jpeg', buffer: await buf(200) }]);
  await p.getByRole('button', { name: 'Upload' }).click();
  await p.getByRole('heading', { name: '2 of 2 images uploaded' }).waitFor({ timeout: 90_000 });
  await ctx.close();
} else if (mode === 'hide') {
  const img = process.argv[3]!;
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await login(p, 'admin');
  await p.goto(`${base}/admin/reports`);
  await p.getByRole('button', { name: 'Hide' }).click();
  await p.waitForLoadState();
  await p.screenshot({ path: `/tmp/shots/after-hide.png`, fullPage: true });
  await ctx.close();
  await shoot('alice', [`/images/${img}`, '/dashboard'], { width: 1280, tag: 'l1280' });
  await shoot('alice', [`/images/${img}`, '/dashboard'], { width: 360, dark: true, js: false, tag: 'd360' });
  await shoot('admin', ['/admin/reports?show=hidden'], { width: 1280, tag: 'l1280' });
} else {
  const img = process.argv[3]!;
  for (const [width, dark, js, tag] of [[1280, false, true, 'l1280'], [360, true, false, 'd360nojs']] as const) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: dark ? 'dark' : 'light', javaScriptEnabled: js });
    const p = await ctx.newPage();
    await login(p, 'bob');
    await p.goto(`${base}/images/${img}`);
    await p.getByText('Report', { exact: true }).first().click();
    await p.screenshot({ path: `/tmp/shots/${tag}-report-form.png`, fullPage: true });
    await p.getByLabel(/Reason/i).selectOption({ index: 1 });
    await p.getByLabel(/Details/i).fill('Posted without permission, this is my photo');
    await p.getByRole('button', { name: /Send report|Report/ }).last().click();
    await p.waitForLoadState();
    await p.screenshot({ path: `/tmp/shots/${tag}-report-sent.png`, fullPage: true });
    await ctx.close();
  }
  await shoot('admin', ['/admin/reports', '/admin'], { width: 1280, tag: 'l1280' });
  await shoot('admin', ['/admin/reports'], { width: 360, dark: true, js: false, tag: 'd360' });
}
await browser.close();
