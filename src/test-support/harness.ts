// Builds the real app for tests: real PostgreSQL (embedded PGlite, or a fresh database on the
// server named by TEST_DATABASE_URL) and real storage (disk, or S3 through s3rver on loopback
// when TEST_STORAGE=s3).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createApp } from '../app.tsx';
import { loadConfig } from '../config.ts';
import { openDatabase, type Sql } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { createMail, localLimits, MIGRATIONS_DIR } from '../deps.ts';
import { createLogger } from '../ops/logging.ts';
import { createDiskStorage } from '../storage/disk.ts';
import { createS3Storage } from '../storage/s3.ts';
import type { Storage } from '../storage/storage.ts';
import type { AppDeps } from '../deps.ts';
import { seedEmbeddedDatabase } from './embedded-template.ts';
import { startS3Server } from './s3-server.ts';

export type TestDatabase = { sql: Sql; url: string | undefined; close(): Promise<void> };

/** A fresh database of its own for one test file, migrated unless told otherwise. */
export async function openTestDatabase(dir: string, opts = { migrate: true }): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    await seedEmbeddedDatabase(dir);
    const db = await openDatabase({ dataDir: dir });
    await migrate(db.sql, MIGRATIONS_DIR);
    return { sql: db.sql, url: undefined, close: db.close };
  }
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `cir_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), { max: 10, onnotice: () => {} });
  if (opts.migrate) await migrate(sql, MIGRATIONS_DIR);
  return {
    sql,
    url: url.toString(),
    async close() {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export type TestStorage = { storage: Storage; kind: 'disk' | 's3'; close(): Promise<void> };

export async function openTestStorage(dir: string, kind = process.env.TEST_STORAGE === 's3' ? 's3' : 'disk'): Promise<TestStorage> {
  if (kind === 'disk') {
    const storage = createDiskStorage(join(dir, 'objects'));
    await storage.init();
    return { storage, kind, close: async () => {} };
  }
  const s3 = await startS3Server(join(dir, 's3'));
  const storage = createS3Storage(s3.options);
  await storage.init();
  return { storage, kind: 's3', close: s3.stop };
}

export type TestApp = AppDeps & {
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
};

type TestAppOptions = {
  storage?: 'disk' | 's3';
  /** Wraps the real storage, to inject faults. */
  wrap?: (storage: Storage) => Storage;
  /** Where the app's log lines go (else stdout). */
  logTo?: (line: string) => void;
};

/** The real app over a fresh database and storage; `env` adds configuration (limits, ...). */
export async function startTestApp(env: Record<string, string> = {}, opts: TestAppOptions = {}): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'cir-test-'));
  const db = await openTestDatabase(join(dir, 'pg'));
  const store = await openTestStorage(dir, opts.storage);
  const storage = opts.wrap ? opts.wrap(store.storage) : store.storage;
  // Warnings and errors only: a line per request would bury the test report.
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'warn', ...env });
  // Without SMTP_URL the mail that would go to the log is kept quiet.
  const log = createLogger(config.logLevel, opts.logTo && { write: opts.logTo });
  const mail = createMail(db.sql, config, log, config.mail.smtpUrl ? undefined : { send: async () => {} });
  const deps = { config, sql: db.sql, storage, mail, log, ...localLimits(config) };
  const app = createApp(deps);
  return {
    app,
    ...deps,
    async close() {
      await mail.idle();
      await db.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
