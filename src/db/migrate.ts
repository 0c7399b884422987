import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from './client.ts';

// Any constant works; it only has to be the same for every instance of this app.
const MIGRATION_LOCK = 727_001;

export class MigrationError extends Error {}

/** The files of `dir`, numbered 1, 2, 3... without a gap or a repeat; refuses anything else. */
async function migrationFiles(dir: string) {
  const files = (await readdir(dir)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  files.forEach((file, i) => {
    if (Number(file.split('_')[0]) !== i + 1) {
      throw new MigrationError(`Migrations must be numbered 1, 2, 3... without gaps or repeats: found ${file} where number ${i + 1} belongs`);
    }
  });
  return files;
}

/**
 * Applies the numbered `.sql` files of `dir` that are not yet recorded, in order, in one
 * transaction; refuses a gap in the numbers, or a file numbered before one already applied (it
 * would run out of order). The advisory lock makes instances that start together wait for each
 * other, so each migration runs once.
 */
export async function migrate(sql: Sql, dir: string): Promise<string[]> {
  const files = await migrationFiles(dir);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`create table if not exists schema_migrations (
      name text primary key, applied_at timestamptz not null default now())`;
    const done = new Set((await tx<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
    // What was applied must be the files' beginning: 1..k applied, k+1.. pending.
    const unknown = [...done].filter((name) => !files.includes(name));
    if (unknown.length) throw new MigrationError(`Applied migrations missing from ${dir}: ${unknown.join(', ')}`);
    const firstPending = files.findIndex((f) => !done.has(f));
    const late = firstPending < 0 ? [] : files.slice(firstPending).filter((f) => done.has(f));
    if (late.length) throw new MigrationError(`${files[firstPending]} is not applied, but later ones are (${late.join(', ')}): it would run out of order`);
    const applied: string[] = [];
    for (const file of files.filter((f) => !done.has(f))) {
      await tx.unsafe(await readFile(join(dir, file), 'utf8'));
      await tx`insert into schema_migrations (name) values (${file})`;
      applied.push(file);
    }
    return applied;
  });
}
