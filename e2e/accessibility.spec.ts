import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { signUp, uniqueName, uploadFiles } from './support.ts';

async function signUpWithImage(page: Page) {
  const name = uniqueName('a11y');
  await signUp(page, name);
  await uploadFiles(page, ['a11y.jpg'], 'Public');
  const href = await page.getByRole('link', { name: 'a11y.jpg', exact: true }).getAttribute('href');
  return { name, imageUrl: new URL(href!, page.url()).pathname };
}

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violation on any page (${colorScheme})`, async ({ browser }) => {
    const visitor = await (await browser.newContext({ colorScheme })).newPage();
    for (const path of ['/', '/signup', '/login', '/gallery', '/no-such-page']) {
      await visitor.goto(path);
      expect(await seriousViolations(visitor), path).toEqual([]);
    }
    const page = await (await browser.newContext({ colorScheme })).newPage();
    const { name, imageUrl } = await signUpWithImage(page);
    // An album with the image, in the arranged order (every owner control on its tiles).
    await page.goto('/albums');
    await page.getByText('New album', { exact: true }).click();
    await page.getByLabel('Title').fill('Checked album');
    await page.getByRole('radio', { name: /^Public/ }).check();
    await page.getByRole('button', { name: 'Create album' }).click();
    const albumUrl = new URL(page.url()).pathname;
    await page.getByLabel('Order').selectOption('manual');
    await page.getByRole('button', { name: 'Save album' }).click();
    await page.goto(imageUrl);
    await page.getByLabel('Album to add it to').selectOption({ label: 'Checked album (public)' });
    await page.getByRole('button', { name: 'Add to album' }).click();
    await expect(page.locator('#albums').getByRole('link', { name: 'Checked album' })).toBeVisible();
    for (const path of ['/', '/upload', '/dashboard', '/gallery', imageUrl, '/settings', `/u/${name}`, '/trash', '/images/none',
      '/albums', albumUrl, '/albums/public']) {
      await page.goto(path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    for (const path of [albumUrl, '/albums/public', `/u/${name}/albums`]) {
      await visitor.goto(path);
      expect(await seriousViolations(visitor), `visitor: ${path}`).toEqual([]);
    }
  });
}

test('the skip link and the login form are reachable by keyboard', async ({ page }) => {
  await page.goto('/');
  // The skip link comes first and moves focus to the content.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
  await page.goto('/login');
  await page.keyboard.press('Tab');
  const focusable: string[] = [];
  for (let i = 0; i < 12; i++) {
    focusable.push(await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return `${el.tagName.toLowerCase()}:${el.getAttribute('name') ?? el.textContent?.trim()}`;
    }));
    await page.keyboard.press('Tab');
  }
  expect(focusable).toEqual(expect.arrayContaining(['input:username', 'input:password', 'button:Log in']));
});
