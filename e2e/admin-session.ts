import { expect, type Browser, type BrowserContext } from '@playwright/test';
import { PASSWORD, logIn } from './support.ts';

/** The account playwright.config.ts names in ADMIN_USERNAMES: an admin of the shared server whoever signed up first. */
export const ADMIN = 'e2e-admin';

let adminSession: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;

/**
 * A page signed in as the shared server's admin. The account signs up once a run (once per server:
 * every project of this run may share one); later stories log in, and reuse that session (one per
 * worker, whichever spec asks first), which spares each story a login.
 * Stories call it before signing anyone else up, so no test user becomes the server's first account.
 */
export async function adminPage(browser: Browser, js = true) {
  if (!adminSession) {
    const page = await (await browser.newContext()).newPage();
    await page.goto('/signup');
    await page.getByLabel('Email').fill(`${ADMIN}@example.com`);
    await page.getByLabel('Username').fill(ADMIN);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    const taken = page.getByText('This username is taken');
    await expect(taken.or(page.getByRole('button', { name: `Log out ${ADMIN}` }))).toBeVisible();
    if (await taken.isVisible()) await logIn(page, ADMIN);
    await expect(page).toHaveURL(/\/dashboard$/);
    adminSession = await page.context().storageState();
    await page.context().close();
  }
  return (await browser.newContext({ javaScriptEnabled: js, storageState: adminSession })).newPage();
}
