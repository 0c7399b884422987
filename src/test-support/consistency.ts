import assert from 'node:assert/strict';
import type { Sql } from '../db/client.ts';
import { allKeys, type KeyParts, KEY_COLUMNS, objectKeys } from '../images/keys.ts';
import { keysOfUserImages } from '../images/images.sql.ts';
import type { Storage } from '../storage/storage.ts';

export async function storedKeys(storage: Storage) {
  const keys = new Set<string>();
  for await (const o of storage.list('images/')) keys.add(o.key);
  return keys;
}

/** The keys of the objects an upload writes: all but the clean copy (made on its first request). */
export const uploadedKeys = (r: KeyParts) => allKeys(r).filter((k) => k !== objectKeys(r).clean);

/** The keys of an image's objects that must be stored: all but a clean copy not made yet. */
const requiredKeys = (r: KeyParts & { clean_bytes: number | null }) => {
  const keys = objectKeys(r);
  return allKeys(r).filter((k) => r.clean_bytes !== null || k !== keys.clean);
};

/** Every row has all its objects (its clean copy once recorded), and no object is without its row. */
export async function assertConsistent(sql: Sql, storage: Storage) {
  const rows = await sql<(KeyParts & { clean_bytes: number | null })[]>`select ${sql(KEY_COLUMNS)}, clean_bytes from images`;
  const expected = new Set(rows.flatMap(requiredKeys));
  const named = new Set(rows.flatMap((r) => allKeys(r)));
  const present = await storedKeys(storage);
  assert.deepEqual([...expected].filter((k) => !present.has(k)), [], 'rows whose objects are missing');
  assert.deepEqual([...present].filter((k) => !named.has(k)), [], 'objects without a row');
}

/** Bytes of every object the user's images keep in storage, counted by reading them. */
export async function storedBytesOfUser(sql: Sql, storage: Storage, userId: string) {
  let total = 0;
  for (const key of await keysOfUserImages(sql, userId)) {
    // A clean copy is stored only once asked for.
    for await (const chunk of (await storage.get(key)) ?? []) total += (chunk as Buffer).length;
  }
  return total;
}

/** Whether `key` is stored (read, not listed: what a request for it would find). */
export async function isStored(storage: Storage, key: string) {
  const stream = await storage.get(key);
  stream?.destroy();
  return stream !== null;
}
