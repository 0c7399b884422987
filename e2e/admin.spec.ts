import { expect, test as base, type Browser, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PASSWORD, logIn, signUp, uniqueName, uploadFiles } from './support.ts';
import { ADMIN, adminPage } from './admin-session.ts';

const DISABLED = 'This account has been disabled by the admin of this instance.';
const INVITE_ONLY = 'Sign-up here is by invitation: ask the admin of this instance for an invite link.';
const INVITE_DEAD = 'This invite link no longer works';
const SIGNUP_CLOSED = 'Sign-up is closed on this instance.';

type Instance = { url: string; stop: () => Promise<void> };

/** A port nobody listens on now (the OS picks it), so a private instance clashes with no other run. */
function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * An app of its own over a fresh data directory (embedded PostgreSQL, disk storage): for stories that
 * change who may sign up or who may browse, which on the shared server would break the other specs.
 */
async function startInstance(): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'cir-e2e-admin-'));
  // Not the run's database, bucket, admins or mail server: only what makes the app run here.
  const inherited = Object.fromEntries(Object.entries(process.env)
    .filter(([name]) => !/^(S3_.*|DATABASE_URL|ADMIN_USERNAMES|SMTP_URL|PUBLIC_URL|PORT|HOST|DATA_DIR)$/.test(name)));
  const app = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...inherited, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SIGNUPS_PER_HOUR: '1000', PUBLIC_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  app.stdout.on('data', (d) => (output += d));
  app.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((done) => app.once('exit', () => done()));
  const stop = async () => {
    if (app.exitCode === null && app.signalCode === null) {
      app.kill('SIGTERM');
      const killed = setTimeout(() => app.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  // Ready once /readyz answers; the first start of a data directory runs initdb and the migrations.
  const deadline = Date.now() + 90_000;
  while (!(await fetch(`${url}/readyz`).then((r) => r.ok, () => false))) {
    if (app.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the private instance did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop };
}

const test = base.extend<{ instance: string }>({
  /** The base URL of an instance of this story's own, where nobody has signed up yet. */
  instance: async ({}, use) => {
    const instance = await startInstance();
    try {
      await use(instance.url);
    } finally {
      await instance.stop();
    }
  },
});


async function newPage(browser: Browser, options: { js?: boolean; baseURL?: string } = {}) {
  const baseURL = options.baseURL ? { baseURL: options.baseURL } : {};
  return (await browser.newContext({ javaScriptEnabled: options.js ?? true, ...baseURL })).newPage();
}

const flash = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });
const adminSection = (page: Page, name: string) => page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name });

/** From any page, through the header's shield to People, searching for `query` and opening `username`. */
async function openPerson(admin: Page, query: string, username: string) {
  await admin.goto('/dashboard');
  await admin.getByRole('link', { name: 'Admin', exact: true }).click();
  await adminSection(admin, 'People').click();
  await admin.getByRole('searchbox', { name: 'Search by name or email' }).fill(query);
  await admin.getByRole('button', { name: 'Search' }).click();
  await admin.getByRole('table').getByRole('link', { name: username, exact: true }).click();
  await expect(admin.getByRole('heading', { name: username, level: 1 })).toBeVisible();
}

/** The admin's settings: who may sign up (its radio's label starts with `registration`), and whether visitors browse. */
async function saveSettings(admin: Page, s: { registration?: RegExp; visitorsBrowse?: boolean }) {
  await admin.goto('/admin');
  await adminSection(admin, 'Settings').click();
  if (s.registration) await admin.getByRole('radio', { name: s.registration }).check();
  if (s.visitorsBrowse !== undefined) {
    await admin.getByRole('checkbox', { name: 'Visitors who are not signed in may browse the gallery' }).setChecked(s.visitorsBrowse);
  }
  await admin.getByRole('button', { name: 'Save settings' }).click();
  await expect(flash(admin, 'Settings saved.')).toBeVisible();
}

/** Fills the sign-up form on the page already open (an invite link's) and sends it. */
async function sendSignup(page: Page, username: string) {
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
}

for (const js of [true, false]) {
  const how = js ? 'with' : 'without';
  const tag = js ? 'js' : 'no';

  test(`an admin disables an account and enables it again (${how} JavaScript)`, async ({ browser }) => {
    // The admin is signed in first, so the account below is not the server's first (which is an admin).
    const admin = await adminPage(browser, js);
    // Someone signs up and shares an image with everyone.
    const person = await newPage(browser, { js });
    const user = uniqueName(`off${tag}`);
    const image = `${user}.jpg`;
    await signUp(person, user);
    await uploadFiles(person, [image], 'Public');
    const visitor = await newPage(browser, { js });
    await visitor.goto('/gallery');
    await expect(visitor.getByRole('link', { name: image })).toBeVisible();
    // The admin finds them by email in People and disables the account.
    await openPerson(admin, `${user}@example.com`, user);
    await admin.getByRole('button', { name: 'Disable account' }).click();
    await expect(flash(admin, `${user}: disabled and signed out everywhere.`)).toBeVisible();
    await expect(admin.getByRole('definition').filter({ hasText: /^Disabled since/ })).toBeVisible();
    // Their open session is signed out on its next page; the right password only says why.
    await person.goto('/dashboard');
    await expect(person).toHaveURL(/\/login\?next=%2Fdashboard$/);
    await logIn(person, user);
    await expect(person.getByText(DISABLED)).toBeVisible();
    // Their image is gone from the gallery, and their profile from everyone.
    await visitor.goto('/gallery');
    await expect(visitor.getByRole('heading', { name: 'Gallery', level: 1 })).toBeVisible();
    await expect(visitor.getByRole('link', { name: image })).toHaveCount(0);
    expect((await visitor.goto(`/u/${user}`))!.status()).toBe(404);
    // Enabled again, all of it is back, and they can log in.
    await admin.getByRole('button', { name: 'Enable account' }).click();
    await expect(flash(admin, `${user}: enabled.`)).toBeVisible();
    await visitor.goto('/gallery');
    await expect(visitor.getByRole('link', { name: image })).toBeVisible();
    expect((await visitor.goto(`/u/${user}`))!.status()).toBe(200);
    await logIn(person, user);
    await expect(person).toHaveURL(/\/dashboard$/);
  });

  test(`an admin sets a quota and makes someone an admin; the audit log lists both (${how} JavaScript)`, async ({ browser }) => {
    const admin = await adminPage(browser, js);
    const person = await newPage(browser, { js });
    const user = uniqueName(`promo${tag}`);
    await signUp(person, user);
    await expect(person.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
    // The admin opens them from People, found by name.
    await openPerson(admin, user, user);
    // A quota of their own.
    await admin.getByLabel('Quota (MB)').fill('123');
    await admin.getByRole('button', { name: 'Save quota' }).click();
    await expect(flash(admin, `${user}: quota saved.`)).toBeVisible();
    await expect(admin.getByLabel('Quota (MB)')).toHaveValue('123');
    // An admin too: the button now offers the way back, and they see the shield in their header.
    await admin.getByRole('button', { name: 'Make an admin' }).click();
    await expect(flash(admin, `${user}: now an admin.`)).toBeVisible();
    await expect(admin.getByRole('button', { name: 'Make a user' })).toBeVisible();
    await person.goto('/dashboard');
    await person.getByRole('link', { name: 'Admin', exact: true }).click();
    await expect(person.getByRole('heading', { name: 'Overview' })).toBeVisible();
    // The audit log names both, newest first.
    await adminSection(admin, 'Audit log').click();
    const entries = admin.getByRole('row').filter({ hasText: user });
    await expect(entries.nth(0)).toContainText('user.role');
    await expect(entries.nth(0)).toContainText('admin');
    await expect(entries.nth(1)).toContainText('user.quota');
    await expect(entries.nth(1)).toContainText('123 MB');
  });
}

test('a non-admin opening the admin pages finds nothing there', async ({ browser, page }) => {
  // Not the server's first account (that one is an admin): the admin has signed up before.
  await (await adminPage(browser)).context().close();
  const user = uniqueName('nosy');
  await signUp(page, user);
  // No shield in the header, and every admin URL answers as one that does not exist.
  await expect(page.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
  for (const path of ['/admin', '/admin/users', '/admin/settings', `/admin/users/${ADMIN}`]) {
    expect((await page.goto(path))!.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  }
});

test.describe('on an instance of its own', () => {
  test('sign-up by invitation, then closed', async ({ browser, instance }) => {
    // The first account of the instance is its admin.
    const admin = await newPage(browser, { baseURL: instance });
    const owner = uniqueName('owner');
    await signUp(admin, owner);
    await admin.getByRole('link', { name: 'Admin', exact: true }).click();
    await expect(admin.getByRole('heading', { name: 'Overview' })).toBeVisible();
    // Sign-up by invitation: a visitor's sign-up page says so.
    await saveSettings(admin, { registration: /^By invitation/ });
    const visitor = await newPage(browser, { baseURL: instance });
    await visitor.goto('/signup');
    await expect(visitor.getByText(INVITE_ONLY)).toBeVisible();
    await expect(visitor.getByRole('button', { name: 'Sign up' })).toHaveCount(0);
    // The admin makes a link for one person; it is shown once.
    await adminSection(admin, 'Invites').click();
    await admin.getByRole('button', { name: 'Create invite link' }).click();
    const link = await admin.getByLabel('Invite link').inputValue();
    expect(link).toMatch(new RegExp(`^${instance}/signup\\?invite=`));
    // The visitor signs up with it and lands on their dashboard.
    const guest = uniqueName('guest');
    await visitor.goto(link);
    await sendSignup(visitor, guest);
    await expect(visitor).toHaveURL(/\/dashboard$/);
    await expect(visitor.getByRole('button', { name: `Log out ${guest}` })).toBeVisible();
    // Used once, it lets nobody else in.
    const latecomer = await newPage(browser, { baseURL: instance });
    await latecomer.goto(link);
    await expect(latecomer.getByText(INVITE_DEAD)).toBeVisible();
    await admin.goto('/admin/invites');
    await expect(admin.getByRole('row').filter({ hasText: '1 of 1' })).toContainText('Used up');
    // Closed: nobody may sign up.
    await saveSettings(admin, { registration: /^Closed/ });
    await latecomer.goto('/signup');
    await expect(latecomer.getByText(SIGNUP_CLOSED)).toBeVisible();
    await expect(latecomer.getByRole('button', { name: 'Sign up' })).toHaveCount(0);
  });

  test('a gallery for members only still shows an image opened by its link', async ({ browser, instance }) => {
    const admin = await newPage(browser, { baseURL: instance });
    const owner = uniqueName('owner');
    await signUp(admin, owner);
    await uploadFiles(admin, ['harbour.jpg'], 'Public');
    const imageUrl = (await admin.getByRole('link', { name: 'harbour.jpg' }).getAttribute('href'))!;
    // The admin keeps signed-out visitors out of the gallery.
    await saveSettings(admin, { visitorsBrowse: false });
    await expect(admin.getByRole('checkbox', { name: 'Visitors who are not signed in may browse the gallery' })).not.toBeChecked();
    // A visitor opening it is sent to log in.
    const visitor = await newPage(browser, { baseURL: instance });
    await visitor.goto('/gallery');
    await expect(visitor).toHaveURL(/\/login\?next=%2Fgallery$/);
    await expect(visitor.getByRole('heading', { name: 'Log in' })).toBeVisible();
    // The image's own link still shows it.
    await visitor.goto(imageUrl);
    await expect(visitor.getByRole('img', { name: /harbour/ }).first()).toBeVisible();
    // Members still browse.
    await admin.goto('/gallery');
    await expect(admin.getByRole('link', { name: 'harbour.jpg' })).toBeVisible();
  });
});
