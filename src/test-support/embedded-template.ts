import { createHash } from 'node:crypto';
import { access, cp, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { embeddedDir } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';
import { MIGRATIONS_DIR } from '../deps.ts';

let template: Promise<string> | undefined;
const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * An embedded database with every migration applied, made once per machine (per PGlite version
 * and migrations' text) and copied for each test: PGlite's initdb takes seconds, a copy a
 * fraction of one. Made aside and renamed into place, so test files running at once never see
 * half of one.
 */
function migratedTemplate() {
  return (template ??= (async () => {
    const hash = createHash('sha256').update(await readFile(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)));
    for (const file of (await readdir(MIGRATIONS_DIR)).sort()) hash.update(file).update(await readFile(join(MIGRATIONS_DIR, file)));
    const path = join(tmpdir(), `cir-pg-template-${hash.digest('hex').slice(0, 16)}`);
    if (await exists(path)) return path;
    const build = await mkdtemp(join(tmpdir(), 'cir-pg-template-build-'));
    const db = await openDatabase({ dataDir: build });
    await migrate(db.sql, MIGRATIONS_DIR);
    await db.close();
    await rename(embeddedDir(build), path).catch((err) => {
      if (!['EEXIST', 'ENOTEMPTY'].includes(err.code)) throw err; // else another file made it first
    });
    await rm(build, { recursive: true, force: true });
    return path;
  })());
}

/** Puts a migrated embedded database where the app finds it under `dataDir`, unless one is there. */
export async function seedEmbeddedDatabase(dataDir: string) {
  if (!(await exists(embeddedDir(dataDir)))) await cp(await migratedTemplate(), embeddedDir(dataDir), { recursive: true });
}
