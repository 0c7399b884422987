import type { Sql } from '../db/client.ts';

/** Counts one hit on `key` in a fixed window of `windowMs`; returns the hits so far and when the window ends. */
export async function hit(sql: Sql, key: string, windowMs: number) {
  const [row] = await sql<{ hits: number; retry_after: number }[]>`
    insert into rate_limits (key, hits, window_ends) values (${key}, 1, now() + ${windowMs} * interval '1 millisecond')
    on conflict (key) do update set
      hits = case when rate_limits.window_ends <= now() then 1 else rate_limits.hits + 1 end,
      window_ends = case when rate_limits.window_ends <= now() then excluded.window_ends else rate_limits.window_ends end
    returning hits, ceil(extract(epoch from window_ends - now()))::int as retry_after`;
  return row!;
}

export async function clear(sql: Sql, key: string) {
  await sql`delete from rate_limits where key = ${key}`;
}
