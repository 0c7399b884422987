import { constants, createWriteStream } from 'node:fs';
import { access, copyFile, link, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import type { ByteRange, Storage } from './storage.ts';

const SAFE_KEY = /^[a-z0-9][a-z0-9/_.-]*$/i;

/**
 * The files under `dir` (the folder of keys starting `rel`) whose key starts with `prefix`, folder
 * by folder, each folder's entries by name; with `after` (a key's parts), only those after that key.
 */
async function* walk(dir: string, rel: string, prefix: string, after: string[] | undefined): AsyncGenerator<{ key: string; modified: Date }> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    // The folder on `after`'s way is walked from after it; every later entry comes after it whole.
    const on = after?.[0] === e.name;
    if (after && !on && e.name < after[0]!) continue;
    const key = rel + e.name;
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* walk(path, `${key}/`, prefix, on ? after!.slice(1) : undefined);
    } else if (e.isFile() && !on && key.startsWith(prefix)) {
      // Half-written `.tmp` files are listed too: after a crash the janitor removes them.
      // Renamed or deleted since the listing: a write or delete in progress, not an object.
      const info = await stat(path).catch(() => null);
      if (info) yield { key, modified: info.mtime };
    }
  }
}

/** Objects as files under `root`; writes land in a temp file first so readers never see half an object. */
export function createDiskStorage(root: string): Storage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`invalid storage key: ${key}`);
    return join(base, key);
  };
  const storage: Storage = {
    async init() {
      await mkdir(base, { recursive: true });
    },
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${randomUUID()}.tmp`;
      try {
        await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(tmp));
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async putFile(key, source) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${randomUUID()}.tmp`;
      try {
        // The callers' files are temporary and removed once stored: on the same disk a second name
        // for them writes no byte again; elsewhere, a kernel-side copy (no bytes pass through JavaScript).
        await link(source, tmp).catch(() => copyFile(source, tmp));
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async get(key, range?: ByteRange) {
      // Opened first: a file deleted meanwhile is a clean miss, not a broken response.
      const file = await open(pathOf(key)).catch(() => null);
      return file && file.createReadStream(range);
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      // An image's folder goes with its last object, so deletes leave no empty folders (inodes).
      // rmdir refuses a folder that still holds anything.
      if (dirname(path) !== base) await rmdir(dirname(path)).catch(() => {});
    },
    async deleteMany(keys) {
      const results = await Promise.allSettled(keys.map((k) => storage.delete(k)));
      return keys.filter((_, i) => results[i]!.status === 'rejected');
    },
    async *list(prefix, after) {
      yield* walk(base, '', prefix, after?.split('/'));
    },
    async check() {
      await access(base, constants.W_OK);
    },
  };
  return storage;
}
