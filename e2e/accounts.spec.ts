import { expect, test, type Browser, type Page } from '@playwright/test';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { linkIn, type Delivered } from '../src/test-support/smtp-server.ts';
import { totpAt } from '../src/two-factor/totp.ts';
import { mailDir } from './playwright.config.ts';
import { PASSWORD, logIn, logOut, signUp, uniqueName } from './support.ts';

const NEW_PASSWORD = 'another long passphrase';

/** The link to `path` in the mail to `address` whose subject matches, once it has arrived. */
async function linkInMail(address: string, subject: RegExp, path: RegExp) {
  return linkIn(await mailTo(address, subject), path);
}

/** Every mail the run's SMTP server has accepted so far (mail-server.ts writes each to the spool). */
async function delivered() {
  const files = (await readdir(mailDir!)).filter((f) => f.endsWith('.json'));
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(mailDir!, f), 'utf8')) as Delivered));
}

/** The mail to `address` whose subject matches, waiting for it as long as a busy machine may take. */
async function mailTo(address: string, subject: RegExp) {
  const matches = (m: Delivered) => m.to.includes(address.toLowerCase()) && subject.test(m.subject);
  let found: Delivered | undefined;
  await expect.poll(async () => (found = (await delivered()).find(matches)) !== undefined,
    { timeout: 60_000, message: `a mail to ${address} about ${subject}` }).toBe(true);
  return found!;
}

async function newPage(browser: Browser, js: boolean) {
  return (await browser.newContext({ javaScriptEnabled: js })).newPage();
}

/** What the Security facts in settings say about `fact`. */
const securityFact = (page: Page, fact: string) =>
  page.locator('dl.security').getByRole('term').filter({ hasText: new RegExp(`^${fact}$`) }).locator('xpath=following-sibling::dd[1]');

const flash = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

/** "Forgot password?" from the login page, up to the answer that a mail is on its way. */
async function askForReset(page: Page, address: string) {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await page.getByLabel('Email').fill(address);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
}

/** Turns two-factor login on in settings, playing the authenticator app; its key and the recovery codes. */
async function turnOnTwoFactor(page: Page) {
  await page.goto('/settings');
  await securityFact(page, 'Two-factor login').getByRole('link', { name: 'Turn on' }).click();
  await expect(page.getByRole('img', { name: /^QR/ })).toBeVisible();
  await expect(page.getByText('Enter this key in the app')).toBeVisible();
  // The app scans the key; the form carries it back with the first code.
  const key = new Uint8Array(Buffer.from(await page.locator('input[name="secret"]').inputValue(), 'base64url'));
  await page.getByLabel('Code', { exact: true }).fill(totpAt(key));
  await page.getByLabel('Your password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Turn on two-factor login' }).click();
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
  const codes = (await page.getByLabel('Recovery codes').textContent())!.trim().split('\n');
  return { key, codes };
}

/** The second step of a log-in: the code, then the dashboard. */
async function enterCode(page: Page, code: string) {
  await expect(page).toHaveURL(/\/login\/2fa$/);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

// An authenticator app shows a new code every 30 s, and each is accepted once: after one was
// used (turning it on), the next is the one the app shows in the following step.
const nextCode = (key: Uint8Array) => totpAt(key, Date.now() + 30_000);

for (const js of [true, false]) {
  const how = js ? 'with' : 'without';
  const tag = js ? 'js' : 'no';

  test(`forgot password: a link by mail sets a new one (${how} JavaScript)`, async ({ browser }) => {
    const page = await newPage(browser, js);
    const user = uniqueName(`reset${tag}`);
    await signUp(page, user);
    await logOut(page, user);
    // Ask for a link from the login page.
    await askForReset(page, `${user}@example.com`);
    // The mail's link asks for a new password and signs in with it.
    const link = await linkInMail(`${user}@example.com`, /^Reset your password/, /^\/password\/reset\//);
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(flash(page, 'Your password was changed')).toBeVisible();
    // The old password no longer works; the new one does.
    await logOut(page, user);
    await logIn(page, user, PASSWORD);
    await expect(page.getByText('Wrong username/email or password.')).toBeVisible();
    await logIn(page, user, NEW_PASSWORD);
    await expect(page).toHaveURL(/\/dashboard$/);
    // The link worked once.
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
  });

  test(`confirm the email address after signing up (${how} JavaScript)`, async ({ browser }) => {
    const page = await newPage(browser, js);
    const user = uniqueName(`verify${tag}`);
    const address = `${user}@example.com`;
    await signUp(page, user);
    await page.goto('/settings');
    await expect(securityFact(page, 'Email')).toHaveText('Not verified');
    // The welcome mail's link leads to a button that confirms the address.
    await page.goto(await linkInMail(address, /^Confirm your email address/, /^\/email\/verify\//));
    await page.getByRole('button', { name: `Confirm ${address}` }).click();
    await expect(page).toHaveURL(/\/settings/);
    await expect(flash(page, 'Your email address is confirmed.')).toBeVisible();
    await expect(securityFact(page, 'Email')).toHaveText('Verified');
  });

  test(`change the email address, confirmed from the new one (${how} JavaScript)`, async ({ browser }) => {
    const page = await newPage(browser, js);
    const user = uniqueName(`move${tag}`);
    const [oldAddress, newAddress] = [`${user}@example.com`, `${user}@example.org`];
    await signUp(page, user);
    // Ask for the change in settings; the account waits for the new address.
    await page.goto('/settings');
    const form = page.getByRole('form', { name: 'Change email' });
    await form.getByLabel('New email').fill(newAddress);
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change email' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Waiting for ${newAddress} to be confirmed` })).toBeVisible();
    // The old address hears of it; the new one gets the link.
    const notice = await mailTo(oldAddress, /is being changed$/);
    expect(notice.text).toContain(newAddress);
    await page.goto(await linkInMail(newAddress, /^Confirm your email address/, /^\/email\/verify\//));
    await page.getByRole('button', { name: `Confirm ${newAddress}` }).click();
    // Settings show the new address, confirmed.
    await expect(page).toHaveURL(/\/settings/);
    await expect(flash(page, 'Your email address is confirmed.')).toBeVisible();
    await expect(page.getByRole('definition').filter({ hasText: newAddress })).toBeVisible();
    await expect(page.getByText(oldAddress)).toHaveCount(0);
    await expect(securityFact(page, 'Email')).toHaveText('Verified');
  });

  test(`two-factor login: an app's code or a recovery code after the password (${how} JavaScript)`, async ({ browser }) => {
    const page = await newPage(browser, js);
    const user = uniqueName(`totp${tag}`);
    await signUp(page, user);
    // Turn it on with the app's code; ten recovery codes are shown once.
    const { key, codes } = await turnOnTwoFactor(page);
    expect(codes).toHaveLength(10);
    await page.getByRole('link', { name: 'I have saved them' }).click();
    await expect(securityFact(page, 'Two-factor login')).toContainText('On');
    await expect(securityFact(page, 'Recovery codes')).toHaveText('10 left');
    // Logging in now asks for the app's code after the password.
    await logOut(page, user);
    await logIn(page, user);
    await enterCode(page, nextCode(key));
    // Without the app, a recovery code does instead, once.
    await logOut(page, user);
    await logIn(page, user);
    await enterCode(page, codes[0]!);
    await page.goto('/settings');
    await expect(securityFact(page, 'Recovery codes')).toHaveText('9 left');
    await logOut(page, user);
    await logIn(page, user);
    await page.getByLabel('Code', { exact: true }).fill(codes[0]!);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect(page.getByText('That code is not right (or was already used)')).toBeVisible();
  });

  test(`a password reset still asks for the second factor (${how} JavaScript)`, async ({ browser }) => {
    const page = await newPage(browser, js);
    const user = uniqueName(`reset2fa${tag}`);
    await signUp(page, user);
    const { key } = await turnOnTwoFactor(page);
    await page.getByRole('link', { name: 'I have saved them' }).click();
    await logOut(page, user);
    // The reset link sets the password but signs in only after the code.
    await askForReset(page, `${user}@example.com`);
    await page.goto(await linkInMail(`${user}@example.com`, /^Reset your password/, /^\/password\/reset\//));
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await expect(page).toHaveURL(/\/login\/2fa$/);
    // Until then the browser is not signed in.
    await page.goto('/dashboard');
    await expect(page).toHaveURL(/\/login\?/);
    await page.goto('/login/2fa');
    await enterCode(page, nextCode(key));
  });
}

test.describe('passkeys', () => {
  test('add a passkey, sign in with it, use it instead of a code, then remove it', async ({ page }) => {
    // Chromium's virtual authenticator plays the phone or security key, and the person's consent.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    const user = uniqueName('pk');
    await signUp(page, user);
    // Add one in settings; it appears in the list.
    await page.goto('/settings');
    await page.getByLabel('Name of the new passkey').fill('Work laptop');
    await page.locator('[data-passkey-register]').getByLabel('Your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(flash(page, 'Passkey “Work laptop” added.')).toBeVisible();
    await expect(page.getByRole('listitem').filter({ hasText: 'Work laptop' })).toContainText('never used');
    await expect(securityFact(page, 'Passkeys')).toHaveText('1');
    // Signed out, the passkey alone signs in: no username, no password.
    await logOut(page, user);
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    // With two-factor login on, it stands in for the code after the password.
    await turnOnTwoFactor(page);
    await page.getByRole('link', { name: 'I have saved them' }).click();
    await logOut(page, user);
    await logIn(page, user);
    await expect(page).toHaveURL(/\/login\/2fa$/);
    await page.getByRole('button', { name: 'Use a passkey instead' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    // Remove it in settings.
    await page.goto('/settings');
    await expect(page.getByRole('listitem').filter({ hasText: 'Work laptop' })).toContainText('last used');
    await page.getByRole('button', { name: 'Remove Work laptop' }).click();
    await expect(flash(page, 'The passkey was removed.')).toBeVisible();
    await expect(page.getByText('No passkeys yet.')).toBeVisible();
    await expect(securityFact(page, 'Passkeys')).toHaveText('None');
  });

  test('without JavaScript no passkey controls are offered', async ({ browser }) => {
    const page = await newPage(browser, false);
    await page.goto('/login');
    await expect(page.getByRole('button', { name: 'Log in', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toHaveCount(0);
    await signUp(page, uniqueName('pkno'));
    await page.goto('/settings');
    await expect(page.getByRole('heading', { name: 'Passkeys' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Add a passkey' })).toHaveCount(0);
  });
});
