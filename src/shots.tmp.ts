import { chromium } from 'playwright';
const base = 'http://localhost:3555';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
async function as(user: string, pages: string[], opts: { width: number; dark?: boolean; js?: boolean; tag: string }) {
  const ctx = await browser.newContext({ viewport: { width: opts.width, height: 900 }, colorScheme: opts.dark ? 'dark' : 'light', javaScriptEnabled: opts.js ?? true });
  const p = await ctx.newPage();
  await p.goto(`${base}/login`);
  await p.fill('#f-username', user); await p.fill('#f-password', 'correct horse battery');
  await p.click('form[action="/login"] button[type=submit]');
  for (const path of pages) {
    await p.goto(base + path);
    await p.screenshot({ path: `/tmp/shots/${opts.tag}-${path.replace(/[/?=&]/g, '_')}.png`, fullPage: true });
  }
  await ctx.close();
}
const mode = process.argv[2];
if (mode === 'seed') {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  for (const [u, e] of [['admin', 'admin@example.com'], ['alice', 'alice@example.com'], ['bob', 'bob@example.com']]) {
    await p.goto(`${base}/signup`);
    await p.fill('#f-email', e!); await p.fill('#f-username', u!); await p.fill('#f-password', 'correct horse battery');
    await p.click('form[action="/signup"] button[type=submit]');
    await p.context().clearCookies();
  }
  await ctx.close();
} else {
  const pages = ['/admin', '/admin/users', '/admin/users/alice', '/admin/settings', '/admin/invites', '/admin/audit', '/admin/users/alice/delete'];
  await as('admin', pages, { width: 1280, tag: 'light' });
  await as('admin', pages, { width: 360, dark: true, tag: 'dark360' });
}
await browser.close();
