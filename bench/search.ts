import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Sql } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { MIGRATIONS_DIR } from '../src/deps.ts';
import { listKeys } from '../src/images/list.sql.ts';
import { PAGE_SIZE } from '../src/lists/routes.tsx';
import type { Report } from './lib/report.ts';
import { stat } from './lib/stats.ts';

/** The word the bench searches for, and how many public images carry it at every size. */
const WORD = 'lighthouse';
const MATCHES = 100;
const SMALL = 1_000;

/** Titles `MATCHES` public images, spread over the whole list, with WORD. */
export async function tagSearchMatches(sql: Sql) {
  await sql`update images set title = ${`${WORD} at dusk`}
    where id in (select id from images where visibility = 'public' and deleted_at is null order by md5(id) limit ${MATCHES})`;
}

/** A library of SMALL public images in a database of its own (rows only: no page shows them), with the same matches. */
async function smallLibrary(databaseUrl?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-search-'));
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  if (databaseUrl) {
    const name = `bench_search_${process.pid}_${Date.now()}`;
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    scratch = { url: url.toString(), drop: async () => { await admin.unsafe(`drop database if exists ${name} with (force)`); await admin.end(); } };
  }
  const db = await openDatabase({ databaseUrl: scratch?.url, dataDir: dir });
  await migrate(db.sql, MIGRATIONS_DIR);
  await db.sql`insert into users (id, email, username, password_hash) select 'small-' || n, 'small' || n || '@example.com', 'small' || n, 'not a hash' from generate_series(1, 10) n`;
  await db.sql`
    insert into images (id, user_id, filename, visibility, format, bytes, sha256, width, height, placeholder,
                        thumb_hash, thumb2x_hash, display_hash, clean_bytes, stored_bytes, created_at)
    select 'small-' || n, 'small-' || (n % 10 + 1), 'photo-' || n || '.jpg', 'public', 'jpeg', 3000000 + n, md5(n::text), 4000, 3000, 'p',
           '5eed000000000001', '5eed000000000002', '5eed000000000003', 2900000 + n, 6000000 + 2 * n, now() - n * interval '1 second'
    from generate_series(1, ${SMALL}::int) n`;
  await tagSearchMatches(db.sql);
  await db.sql`analyze`;
  return {
    sql: db.sql,
    async close() {
      await db.close();
      await scratch?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The gallery's search query alone, in the database: the same word with the same number of
 * matches in a library of SMALL public images and in the bench's own (`images` public ones,
 * tagged by `tagSearchMatches`); a search should cost what its matches cost, not what the
 * library holds. Each run alternates the two 100 times and keeps the median of each.
 */
export async function searchAtScale(report: Report, sql: Sql, runs: number, images: number, databaseUrl?: string) {
  const small = await smallLibrary(databaseUrl);
  try {
    const search = async (db: Sql) => {
      const started = performance.now();
      const rows = await listKeys(db, { scope: { public: true }, sort: 'newest', q: WORD, limit: PAGE_SIZE });
      if (rows.length !== PAGE_SIZE + 1) throw new Error(`the search found ${rows.length} rows`);
      return performance.now() - started;
    };
    const [few, many]: number[][] = [[], []];
    for (let i = 0; i < runs; i++) {
      const [s, l]: number[][] = [[], []];
      for (let j = 0; j < 100; j++) {
        s.push(await search(small.sql));
        l.push(await search(sql));
      }
      few.push(stat(s).median);
      many.push(stat(l).median);
    }
    report.record(`gallery search query, ${SMALL} public images`, stat(few), 'ms', { detail: `${MATCHES} matches` });
    report.record(`gallery search query, ${images} public images`, stat(many), 'ms', { detail: `${MATCHES} matches` });
    report.record(`gallery search, ${images} / ${SMALL} images time`, stat(many.map((m, i) => m / few[i]!)), 'ratio',
      { target: { text: '<= 1.5', check: (v) => v <= 1.5 } });
  } finally {
    await small.close();
  }
}
