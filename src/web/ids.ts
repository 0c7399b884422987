import { randomBytes } from 'node:crypto';

/** 120 random bits, URL-safe: ids nobody can guess or enumerate. */
export function randomId() {
  return randomBytes(15).toString('base64url');
}
