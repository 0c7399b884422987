import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import QRCode from 'qrcode';
import { SITE_NAME } from '../web/preview.tsx';

// RFC 6238's defaults, which every authenticator app reads: SHA-1, 6 digits, 30 s steps.
const PERIOD_S = 30;
const DIGITS = 6;

/** A new 160-bit TOTP key (RFC 4226's recommended length). */
export const newTotpKey = () => new Uint8Array(randomBytes(20));

export const totpUri = (key: Uint8Array, username: string) => createTOTPKeyURI(SITE_NAME, username, key, PERIOD_S, DIGITS);

/** The URI as a QR code, drawn here as SVG: the secret never goes to another service. */
export const qrSvg = (uri: string) => QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });

export const stepAt = (ms: number) => BigInt(Math.floor(ms / 1000 / PERIOD_S));

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The time step `code` belongs to: now's, or one step either side (a clock that drifts), and only
 * a step after `lastStep`, so a code once accepted (or an older one) is never accepted again.
 */
export function matchStep(key: Uint8Array, code: string, lastStep: bigint, now = Date.now()) {
  const current = stepAt(now);
  for (const step of [current - 1n, current, current + 1n]) {
    if (step > lastStep && same(generateHOTP(key, step, DIGITS), code)) return step;
  }
  return undefined;
}

/** The code an authenticator app shows at `ms` (tests play the app). */
export const totpAt = (key: Uint8Array, ms = Date.now()) => generateHOTP(key, stepAt(ms), DIGITS);

const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten recovery codes like `k7m2p-x9qra` (50 bits each), to be shown once. */
export function newRecoveryCodes(count = 10) {
  return Array.from({ length: count }, () => {
    const chars = [...randomBytes(10)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** What is stored of a recovery code: its hash, whatever case or dashes it was typed with. */
export const hashRecoveryCode = (code: string) => createHash('sha256').update(code.toLowerCase().replace(/[^a-z0-9]/g, '')).digest('hex');
