import assert from 'node:assert/strict';
import type { Sql } from '../db/client.ts';
import { allKeys, type KeyParts, KEY_COLUMNS } from '../images/keys.ts';
import { keysOfUserImages } from '../images/images.sql.ts';
import type { Storage } from '../storage/storage.ts';

export async function storedKeys(storage: Storage) {
  const keys = new Set<string>();
  for await (const o of storage.list('images/')) keys.add(o.key);
  return keys;
}

/** Every row has all its objects, and no object is without its row. */
export async function assertConsistent(sql: Sql, storage: Storage) {
  const rows = await sql<KeyParts[]>`select ${sql(KEY_COLUMNS)} from images`;
  const expected = new Set(rows.flatMap((r) => allKeys(r)));
  const present = await storedKeys(storage);
  assert.deepEqual([...expected].filter((k) => !present.has(k)), [], 'rows whose objects are missing');
  assert.deepEqual([...present].filter((k) => !expected.has(k)), [], 'objects without a row');
}

/** Bytes of every object the user's images keep in storage, counted by reading them. */
export async function storedBytesOfUser(sql: Sql, storage: Storage, userId: string) {
  let total = 0;
  for (const key of await keysOfUserImages(sql, userId)) {
    for await (const chunk of (await storage.get(key))!) total += (chunk as Buffer).length;
  }
  return total;
}

/** Whether `key` is stored (read, not listed: what a request for it would find). */
export async function isStored(storage: Storage, key: string) {
  const stream = await storage.get(key);
  stream?.destroy();
  return stream !== null;
}
