import type { Queryable, Sql } from '../db/client.ts';

/** Needs two connections at once: the server database of TEST_DATABASE_URL, not the embedded one. */
export const needsServer = !process.env.TEST_DATABASE_URL && 'needs a PostgreSQL server (TEST_DATABASE_URL)';

/**
 * Interleaves two writers of the same rows deterministically: `hold` runs in a transaction that
 * commits only once `act` (a request, say) has started and waits for one of the row locks it
 * took, or has finished without needing one. That is another tab's change landing between a
 * request's read and its write. Returns what `act` returns.
 */
export async function whileLocked<T>(sql: Sql, hold: (tx: Queryable) => Promise<unknown>, act: () => Promise<T>) {
  let acting!: Promise<T>;
  await sql.begin(async (tx) => {
    await hold(tx);
    let settled = false;
    acting = act();
    acting.then(() => (settled = true), () => (settled = true));
    while (!settled && !(await someoneWaitsForALock(sql))) await new Promise((r) => setTimeout(r, 5));
  });
  return acting;
}

async function someoneWaitsForALock(sql: Sql) {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
  return row!.n > 0;
}
