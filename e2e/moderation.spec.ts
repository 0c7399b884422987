import { expect, test, type Browser, type Page } from '@playwright/test';
import { adminPage } from './admin-session.ts';
import { signUp, uniqueName, uploadFiles } from './support.ts';

const THANKS = 'Thanks, the report was sent to the admins.';

/** A browser of its own: signed out until the story signs someone up in it. */
async function newPage(browser: Browser, js = true) {
  return (await browser.newContext({ javaScriptEnabled: js })).newPage();
}

/** The one-time message (or the answer swapped in its place) that says `text`. */
const notice = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

/** Signs up a fresh person whose name starts with `prefix`; their name. */
async function newPerson(page: Page, prefix: string) {
  const name = uniqueName(prefix);
  await signUp(page, name);
  return name;
}

/** Uploads one public image named `name` (into the album at `from`, if given); the URL of its page. */
async function shareImage(page: Page, name: string, from?: string) {
  await uploadFiles(page, [name], 'Public', from);
  return (await page.getByRole('link', { name }).getAttribute('href'))!;
}

/** Opens the page's quiet "Report" disclosure and sends a report with `reason` and `details`. */
async function report(page: Page, reason: string, details = '') {
  await page.getByText('Report', { exact: true }).click();
  await page.getByLabel('Reason').selectOption({ label: reason });
  await page.getByLabel('Details').fill(details);
  await page.getByRole('button', { name: 'Send report' }).click();
}

/** The admin's open reports, reached through the header's shield. */
async function openReports(admin: Page) {
  await admin.goto('/dashboard');
  await admin.getByRole('link', { name: 'Admin', exact: true }).click();
  await admin.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Reports' }).click();
  await expect(admin.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
}

/** The entry of the admin's list that names `title` (unique to its story). */
const entry = (admin: Page, title: string) => admin.getByRole('listitem').filter({ hasText: title });

/** What a visitor gets for `url`: the not-found page. */
async function expectNotFound(visitor: Page, url: string) {
  expect((await visitor.goto(url))!.status(), url).toBe(404);
  await expect(visitor.getByRole('heading', { name: 'Not found' })).toBeVisible();
}

for (const js of [true, false]) {
  const how = js ? 'with' : 'without';
  const tag = js ? 'js' : 'no';

  test(`a reported image is hidden by an admin, then shown again (${how} JavaScript)`, async ({ browser }) => {
    // The admin is signed in first, so nobody below is the server's first account (which is an admin).
    const admin = await adminPage(browser, js);
    // Someone shares an image with everyone; a visitor finds it in the gallery.
    const owner = await newPage(browser, js);
    const ownerName = await newPerson(owner, `mod${tag}`);
    const image = `${ownerName}.jpg`;
    const imageUrl = await shareImage(owner, image);
    const visitor = await newPage(browser, js);
    await visitor.goto('/gallery');
    await expect(visitor.getByRole('link', { name: image })).toBeVisible();

    // Someone else reports it, with a reason and a word for the admins.
    const reporter = await newPage(browser, js);
    await newPerson(reporter, `rep${tag}`);
    await reporter.goto(imageUrl);
    await report(reporter, 'Harassment or hate', 'It mocks my neighbour.');
    await expect(notice(reporter, THANKS)).toBeVisible();
    // Once is enough: a second report is not filed while the first is open.
    await reporter.goto(imageUrl);
    await report(reporter, 'Spam');
    await expect(notice(reporter, 'You already reported this image; the admins have not looked at it yet.')).toBeVisible();

    // The admin finds it among the open reports: its picture, owner, reason, count and the note.
    await openReports(admin);
    const item = entry(admin, image);
    await expect(item).toContainText(`by ${ownerName}`);
    await expect(item).toContainText('1 report');
    await expect(item).toContainText('Harassment or hate × 1');
    await expect(item).toContainText('It mocks my neighbour.');
    const thumb = item.locator('img');
    await thumb.scrollIntoViewIfNeeded();
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    // They hide it, the reason suggested being the one reported, and say why in their own words.
    const reason = item.getByRole('textbox', { name: 'Reason shown to the owner' });
    await expect(reason).toHaveValue('Harassment or hate');
    await reason.fill('Mocks a private person');
    await item.getByRole('button', { name: 'Hide' }).click();
    await expect(notice(admin, 'Hid the image; its owner sees why.')).toBeVisible();
    await expect(entry(admin, image)).toHaveCount(0);

    // Visitors find nothing there any more, and the gallery leaves it out.
    await expectNotFound(visitor, imageUrl);
    await visitor.goto('/gallery');
    await expect(visitor.getByRole('heading', { name: 'Gallery', level: 1 })).toBeVisible();
    await expect(visitor.getByRole('link', { name: image })).toHaveCount(0);

    // The owner still has it, and reads why it is hidden.
    await owner.goto(imageUrl);
    await expect(notice(owner, 'Hidden by a moderator: Mocks a private person')).toBeVisible();
    // Making it public again is refused, with the reason.
    await owner.getByRole('radio', { name: 'Public' }).check();
    await owner.getByRole('button', { name: 'Save visibility' }).click();
    await expect(owner.getByText('Hidden by a moderator: Mocks a private person. It cannot be made public or unlisted while it is hidden.'))
      .toBeVisible();

    // The admin lists what is hidden, and shows it again.
    await admin.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Hidden' }).click();
    const hidden = entry(admin, image);
    await expect(hidden).toContainText('Mocks a private person');
    await hidden.getByRole('button', { name: 'Unhide' }).click();
    await expect(notice(admin, 'The image is shown again as its owner left it.')).toBeVisible();

    // The visitor sees it again, public as before, and in the gallery.
    await visitor.goto(imageUrl);
    await expect(visitor.getByRole('heading', { name: image, level: 1 })).toBeVisible();
    await expect(visitor.getByRole('definition').filter({ hasText: /^Public$/ })).toBeVisible();
    await visitor.goto('/gallery');
    await expect(visitor.getByRole('link', { name: image })).toBeVisible();
    // Its owner reads no notice any more.
    await owner.goto(imageUrl);
    await expect(owner.getByText('Hidden by a moderator')).toHaveCount(0);
  });
}

test('an admin moves a reported image to its owner\'s trash', async ({ browser }) => {
  const admin = await adminPage(browser);
  const owner = await newPage(browser);
  const ownerName = await newPerson(owner, 'modbin');
  const image = `${ownerName}.jpg`;
  const imageUrl = await shareImage(owner, image);
  // Someone reports it as spam.
  const reporter = await newPage(browser);
  await newPerson(reporter, 'repbin');
  await reporter.goto(imageUrl);
  await report(reporter, 'Spam');
  await expect(notice(reporter, THANKS)).toBeVisible();

  // The admin moves it to its owner's trash.
  await openReports(admin);
  const item = entry(admin, image);
  await expect(item).toContainText('Spam × 1');
  await item.getByRole('button', { name: 'Move to owner\'s trash' }).click();
  await expect(notice(admin, 'Moved the image to its owner\'s trash.')).toBeVisible();
  await expect(entry(admin, image)).toHaveCount(0);

  // Nobody else finds it; its owner finds it in their trash, to restore if they wish.
  await expectNotFound(reporter, imageUrl);
  await owner.goto('/trash');
  await expect(owner.getByRole('heading', { name: 'Trash', level: 1 })).toBeVisible();
  await expect(owner.getByRole('checkbox', { name: `Select ${image}` })).toBeVisible();
});

test('a reported album is hidden from everyone but its owner', async ({ browser }) => {
  const admin = await adminPage(browser);
  // Someone makes a public album with a picture in it.
  const owner = await newPage(browser);
  const ownerName = await newPerson(owner, 'modalbum');
  const title = `${ownerName} holiday`;
  await owner.goto('/albums');
  await owner.getByText('New album', { exact: true }).click();
  await owner.getByLabel('Title', { exact: true }).fill(title);
  await owner.getByRole('radio', { name: /^Public/ }).check();
  await owner.getByRole('button', { name: 'Create album' }).click();
  await expect(owner.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const albumUrl = new URL(owner.url()).pathname;
  await shareImage(owner, `${ownerName}.jpg`, `/upload?album=${albumUrl.split('/').pop()}`);

  // Someone else reports the album.
  const reporter = await newPage(browser);
  await newPerson(reporter, 'repalbum');
  await reporter.goto(albumUrl);
  await expect(reporter.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await report(reporter, 'Copyright infringement', 'These are my photos.');
  await expect(notice(reporter, THANKS)).toBeVisible();

  // The admin hides it.
  await openReports(admin);
  const item = entry(admin, title);
  await expect(item).toContainText('Album');
  await expect(item).toContainText('Copyright infringement × 1');
  await item.getByRole('textbox', { name: 'Reason shown to the owner' }).fill('Not the owner\'s photos');
  await item.getByRole('button', { name: 'Hide' }).click();
  await expect(notice(admin, 'Hid the album; its owner sees why.')).toBeVisible();

  // Visitors and the reporter find nothing there; the owner reads why.
  const visitor = await newPage(browser);
  await expectNotFound(visitor, albumUrl);
  await expectNotFound(reporter, albumUrl);
  await owner.goto(albumUrl);
  await expect(owner.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(notice(owner, 'Hidden by a moderator: Not the owner\'s photos')).toBeVisible();
});

test('only people signed in see Report, and never on what is their own', async ({ browser }) => {
  await (await adminPage(browser)).context().close();
  const owner = await newPage(browser);
  const ownerName = await newPerson(owner, 'modnone');
  const imageUrl = await shareImage(owner, `${ownerName}.jpg`);
  const report = (page: Page) => page.getByText('Report', { exact: true });

  // A visitor sees the image, but no way to report it.
  const visitor = await newPage(browser);
  await visitor.goto(imageUrl);
  await expect(visitor.getByRole('heading', { name: `${ownerName}.jpg`, level: 1 })).toBeVisible();
  await expect(report(visitor)).toHaveCount(0);
  // Nor does its owner on their own image.
  await owner.goto(imageUrl);
  await expect(owner.getByRole('button', { name: 'Save visibility' })).toBeVisible();
  await expect(report(owner)).toHaveCount(0);
  // Signed in, anyone else does.
  await newPerson(visitor, 'modsome');
  await visitor.goto(imageUrl);
  await expect(report(visitor)).toBeVisible();
});
