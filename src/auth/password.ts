import { Argon2id } from 'oslo/password';

// OWASP's Argon2id baseline (19 MiB, t=2, p=1): about 30 ms a hash on this hardware.
const argon2id = new Argon2id();

let hashes = 0;
/** Argon2 hashes and verifications run so far: tests count the work instead of timing it. */
export const argon2Runs = () => hashes;

export function hashPassword(password: string) {
  hashes += 1;
  return argon2id.hash(password);
}
export function verifyPassword(hash: string, password: string) {
  hashes += 1;
  return argon2id.verify(hash, password);
}

// Verified against when the user does not exist, so both cases take the same time.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string) {
  dummyHash ??= argon2id.hash('not-a-real-password-but-a-timing-equaliser');
  await verifyPassword(await dummyHash, password);
  return false;
}
