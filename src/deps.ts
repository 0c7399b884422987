import { join } from 'node:path';
import type { Config } from './config.ts';
import { openDatabase } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { createDiskStorage } from './storage/disk.ts';
import { createS3Storage } from './storage/s3.ts';
import type { Storage } from './storage/storage.ts';
import type { Deps } from './web/env.ts';

export const MIGRATIONS_DIR = 'sql';

export function createStorage(config: Config): Storage {
  return config.s3 ? createS3Storage(config.s3) : createDiskStorage(join(config.dataDir, 'objects'));
}

/** Opens the database (migrated) and the storage that `config` names; `close` releases them. */
export async function buildDeps(config: Config): Promise<Deps & { close(): Promise<void> }> {
  const db = await openDatabase(config);
  try {
    await migrate(db.sql, MIGRATIONS_DIR);
    const storage = createStorage(config);
    await storage.init();
    return { config, sql: db.sql, storage, close: db.close };
  } catch (err) {
    await db.close();
    throw err;
  }
}
