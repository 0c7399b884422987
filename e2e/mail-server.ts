// Playwright's global setup: one real SMTP server on loopback for the whole run, where the app
// sends its mail (playwright.config.ts points SMTP_URL at it). Each message lands as a JSON file
// in E2E_MAIL_DIR, which the stories read (support.ts `mailTo`).
import { startTestSmtp } from '../src/test-support/smtp-server.ts';
import { mailDir, smtpPort } from './playwright.config.ts';

export default async function startMailServer() {
  const smtp = await startTestSmtp({ port: smtpPort, spool: mailDir });
  return () => smtp.stop();
}
