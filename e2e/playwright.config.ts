import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The app runs as users run it: `npm start` (Node) or `npm run start:deno`, over a fresh data
// directory (embedded PostgreSQL, disk storage) unless the environment names a server or S3.
const port = Number(process.env.E2E_PORT ?? 3210);
const runtime = process.env.E2E_RUNTIME === 'deno' ? 'deno' : 'node';
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'cir-e2e-'));
// The stories tagged @2x (those that check every image shown) once more on a 2x (HiDPI) screen,
// where the browser fetches every srcset's 2x candidate: with E2E_HIDPI=1 (.ci/test sets it on
// one of its e2e runs) and for `npm run screenshots`. Nothing else depends on pixel density.
const hidpi = Boolean(process.env.E2E_HIDPI || process.env.SCREENSHOTS);
/** The app's mail goes to a real SMTP server on loopback for the whole run (mail-server.ts). */
export const smtpPort = Number(process.env.E2E_SMTP_PORT ?? port + 1);
// Set once, in the main process, so the workers (which inherit its environment) read the same one.
process.env.E2E_MAIL_DIR ??= mkdtempSync(join(tmpdir(), 'cir-e2e-mail-'));
export const mailDir = process.env.E2E_MAIL_DIR;

export default defineConfig({
  testDir: '.',
  // Generous bounds, not expectations: the suite must pass on a machine whose cores are busy.
  timeout: 180_000,
  expect: { timeout: 15_000 },
  workers: 1,
  // Apart per runtime: .ci/test runs the Node and the Deno suites at once.
  outputDir: `test-results/${runtime}`,
  globalSetup: './mail-server.ts',
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'chromium' },
    ...(hidpi ? [{ name: 'hidpi', use: { deviceScaleFactor: 2 }, grep: /@2x/ }] : []),
  ],
  webServer: {
    command: runtime === 'deno' ? 'npm run -s start:deno' : 'npm run -s start',
    cwd: '..',
    url: `http://localhost:${port}/readyz`,
    timeout: 90_000,
    reuseExistingServer: false,
    // Every story signs up (and many log in) from one address: how many fit in the limits' windows
    // would depend on the machine's speed.
    env: { PORT: String(port), DATA_DIR: dataDir, SIGNUPS_PER_HOUR: '1000', LOGIN_ATTEMPTS_PER_ADDRESS: '1000', SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, PUBLIC_URL: `http://localhost:${port}`,
      // Which account signs up first is a race between the specs: admin.spec.ts signs up (or logs in as) this one.
      ADMIN_USERNAMES: 'e2e-admin',
      // A line per request would bury the test report; warnings and errors still show.
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdout: 'pipe',
  },
});
