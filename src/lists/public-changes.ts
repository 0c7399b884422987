import type { Sql } from '../db/client.ts';
import { freshRead } from '../db/fresh-read.ts';
import type { Cursor, ListedKey, Sort } from '../images/list.sql.ts';

/**
 * The stretch of a keyset list a page shows, in the list's order, both ends included: sort keys
 * as the list's cursors carry them (an upload time as PostgreSQL prints it, or a size in bytes).
 * An end left open reaches the end of the list.
 */
export type Span = { sort: Sort; from?: string; to?: string };

/**
 * The span of a page of `limit` images read from `limit + 1` rows (cursor.ts `paginate`): from
 * the cursor to the extra row, which says whether a next page exists, or back from the cursor
 * to it. A cursor of the date-taken order names no date: those pages span the whole list.
 */
export function spanOf(sort: Sort, rows: Pick<ListedKey, 'key'>[], limit: number, at: { cursor?: Cursor; before?: boolean }): Span {
  if (sort === 'taken') return { sort };
  const more = rows.length > limit;
  return at.before
    ? { sort, from: more ? rows[0]!.key : undefined, to: at.cursor?.key }
    : { sort, from: at.cursor?.key, to: more ? rows[limit]!.key : undefined };
}

/** A span's ends as numbers (microseconds since 1970, or bytes); undefined: open. */
type Bounds = { sort: Sort; from?: bigint; to?: bigint };
/** One image a version changed: where it sorts in each order (sql/0018). */
type Change = { n: number; created: bigint; taken: bigint; bytes: bigint };

// timestamptz as PostgreSQL prints it: 2026-11-24 07:05:09.123456+00
const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/;

function micros(ts: string) {
  const m = TIMESTAMP.exec(ts);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const date = new Date(0);
  date.setUTCFullYear(year!, month! - 1, day!);
  date.setUTCHours(hour!, minute!, second!, 0);
  const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * (m[8] === '-' ? -1 : 1);
  return (BigInt(date.getTime() / 1000) - BigInt(offset)) * 1_000_000n + BigInt((m[7] ?? '').padEnd(6, '0'));
}

/** An end that does not read as a key is left open: the page then spans more, never less. */
function boundsOf(span?: Span): Bounds | undefined {
  if (!span) return undefined;
  const read = (key?: string) => (key === undefined ? undefined : span.sort === 'largest' ? (/^\d{1,18}$/.test(key) ? BigInt(key) : undefined) : micros(key));
  return { sort: span.sort, from: read(span.from), to: read(span.to) };
}

/** Whether `c` falls in the span (ties on the key count as in: ids are not compared). */
function touches(b: Bounds | undefined, c: Change) {
  if (!b) return true;
  const key = b.sort === 'largest' ? c.bytes : b.sort === 'taken' ? c.taken : c.created;
  const [low, high] = b.sort === 'oldest' ? [b.from, b.to] : [b.to, b.from];
  return (low === undefined || key >= low) && (high === undefined || key <= high);
}

/** How many versions, and rows of them, a reader looks back at; beyond that it assumes anything changed. */
const LOOK_BACK = 100;
const LOOK_BACK_ROWS = 1_000;
/** The changes kept in memory for checking cached pages. */
const KEEP = 2_000;

/** What a request reads of the public lists: their version, and whether visitors may browse them. */
export type PublicState = { version: number; open: boolean };

export type ChangeLog = ReturnType<typeof createChangeLog>;

/**
 * What changed in public lists, as this instance has read it from `public_version` and
 * `public_changes` (sql/0018): `read()` reads the version now, with the admin's `gallery_public`
 * (one query, shared by the requests that wait on it: freshRead), and takes in the changes since
 * the last read; `unchanged` tells whether a page rendered at one version still shows what it
 * would at another.
 */
export function createChangeLog(sql: Sql) {
  /** The last version read; every version up to `floor` may have changed anything. */
  let seen: number | undefined;
  let floor = 0;
  /** The changes after `floor` up to `seen`, oldest first. */
  let log: Change[] = [];

  const read = freshRead(async (): Promise<PublicState> => {
    const rows = await sql<{ n: string; open: boolean; at: string | null; created: string; taken: string; bytes: string }[]>`
      select v.n::text, s.gallery_public as open, c.n::text as at, (extract(epoch from c.created_at) * 1000000)::bigint::text as created,
             (extract(epoch from c.taken_sort) * 1000000)::bigint::text as taken, c.bytes::text
      from public_version v
      cross join instance_settings s
      left join lateral (
        select * from public_changes c where c.n > coalesce(${seen ?? null}::bigint, v.n) order by c.n limit ${LOOK_BACK_ROWS + 1}
      ) c on true`;
    const n = Number(rows[0]!.n);
    const state = { version: n, open: rows[0]!.open };
    const since = seen;
    seen = n;
    if (since === undefined || n < since || n - since > LOOK_BACK || rows.length > LOOK_BACK_ROWS) {
      floor = n;
      log = [];
      return state;
    }
    const changes = rows.filter((r) => r.at !== null).map((r) => ({ n: Number(r.at), created: BigInt(r.created), taken: BigInt(r.taken), bytes: BigInt(r.bytes) }));
    // A version without rows changed something no row names (an album, a moderator's decision).
    const named = new Set(changes.map((c) => c.n));
    for (let v = since + 1; v <= n; v++) if (!named.has(v)) floor = v;
    log.push(...changes);
    if (log.length > KEEP) floor = Math.max(floor, log[log.length - KEEP - 1]!.n);
    if (log.length > 0 && log[0]!.n <= floor) log = log.filter((c) => c.n > floor);
    return state;
  });

  return {
    read,
    /** Reads a span's ends once, for `unchanged` to check against each version. */
    bounds: boundsOf,
    /**
     * Whether a page spanning `bounds` (undefined: the whole of every list), rendered after
     * reading version `from`, shows what it would at version `to`.
     */
    unchanged(from: number, to: number, bounds: Bounds | undefined) {
      if (from >= to) return true;
      if (from < floor) return false;
      for (let i = log.length - 1; i >= 0 && log[i]!.n > from; i--) {
        if (log[i]!.n <= to && touches(bounds, log[i]!)) return false;
      }
      return true;
    },
  };
}
