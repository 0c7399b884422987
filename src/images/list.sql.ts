import type { PendingQuery, Row } from 'postgres';
import { atRunTime, count, type Sql } from '../db/client.ts';
import type { ImageRow } from './images.sql.ts';

export type Sort = 'newest' | 'oldest' | 'largest' | 'taken';
export const SORTS: readonly Sort[] = ['newest', 'oldest', 'largest', 'taken'];

/** Whose images: everyone's public ones, one user's own, or one user's public ones. */
export type Scope = { public: true } | { ownerId: string } | { username: string };

/** Where the last page ended: its sort key (timestamp text or byte count) and id. */
export type Cursor = { key: string; id: string };

/** A row of a list, plus what the next page's cursor is made of. */
export type ListedImage = Pick<ImageRow,
  'id' | 'filename' | 'title' | 'alt_text' | 'visibility' | 'width' | 'height' | 'bytes' | 'placeholder' | 'thumb_hash' | 'thumb2x_hash' | 'display_hash' | 'epoch' | 'created_at'
  | 'hidden_at'
> & { username: string; /** The upload time as text: the key of a cursor of the time sorts. */ ts: string };

/**
 * What a page of a list reads of each image: which revision of its row it is (PostgreSQL's
 * `xmin`, new with every update of the row), and `key`, where it sorts as a cursor carries it
 * (an upload time as PostgreSQL prints it, or a size in bytes; none in the date-taken order,
 * whose cursors name only the image). The rest of the row, its owner's name included (an image
 * never changes owner, a user never changes name: sql/0019), comes from images/rows.ts, which
 * keeps it between requests. Nothing more: on the embedded database, each column more of a
 * page's 49 rows cost 10 to 15 µs of CPU, half a `select 1` (bench/HISTORY.md, "Keys of fewer
 * columns").
 */
export type ListedKey = { id: string; rev: string; key?: string };

/** The columns of a ListedImage that are the image's own. */
const LISTED = ['id', 'filename', 'title', 'alt_text', 'visibility', 'width', 'height', 'bytes', 'placeholder', 'thumb_hash',
  'thumb2x_hash', 'display_hash', 'epoch', 'created_at', 'hidden_at'] as const;

/** `before`: the page that ends just before `cursor` (for "previous page") instead of the one after it. */
export type ListQuery = { scope: Scope; sort: Sort; q?: string; cursor?: Cursor; before?: boolean; limit: number };

/** The scope's live images (the trash is listed on its own page only); public lists leave withheld ones out. */
function whereScope(sql: Sql, scope: Scope) {
  // The owner as a value the planner sees: owners' libraries differ too much for one plan (an
  // owner at run time let PostgreSQL keep a generic plan that halved a deep page's rate; bench/HISTORY.md).
  if ('ownerId' in scope) return sql`i.user_id = ${scope.ownerId} and i.deleted_at is null`;
  const shown = sql`i.visibility = 'public' and i.deleted_at is null and not i.withheld`;
  if ('username' in scope) return sql`i.user_id = (select id from users where lower(username) = lower(${scope.username})) and ${shown}`;
  return shown;
}

/**
 * The words of a search: runs of letters and digits, so nothing but those ever reaches
 * `to_tsquery` (whose syntax would read `&`, `|`, `!`, `:` or quotes as operators).
 */
export function searchWords(q?: string) {
  return q?.match(/[\p{L}\p{N}]+/gu)?.slice(0, 32) ?? [];
}

/**
 * Every word as the beginning of a word (`beac:* & sun:*`): every word of a search begins a word
 * of the title, filename, caption or alt text (`beac sun` finds `beach-sunset-2.jpg`), in any
 * order. Made in a subquery, so the plan does not depend on the words: how many images have them
 * is found out when the query runs (listKeys), and one prepared plan serves every search instead
 * of a new one planned for each (which took as long as running it).
 */
function tsquery(sql: Sql, words: string[]) {
  return sql`(select to_tsquery('simple', ${words.map((w) => `${w}:*`).join(' & ')}))`;
}

// Keyset pagination: each sort is an index order with the id breaking ties; the cursor's key is
// sent as text, since postgres.js would make a timestamptz parameter a Date and lose microseconds.
// `back` walks the same order the other way (for "previous"). `taken_sort` is the date taken, or
// the upload time of an image without one (sql/0012).
// `key`: the cursor's key as a ListedKey carries it (a bigint arrives as text).
const ORDERS = {
  newest: { column: 'created_at', type: 'timestamptz', ascending: false, key: 'i.created_at::text' },
  oldest: { column: 'created_at', type: 'timestamptz', ascending: true, key: 'i.created_at::text' },
  largest: { column: 'bytes', type: 'bigint', ascending: false, key: 'i.bytes' },
  taken: { column: 'taken_sort', type: 'timestamptz', ascending: false, key: undefined },
} as const;

function afterCursor(sql: Sql, sort: Sort, c?: Cursor, back = false) {
  if (!c) return sql``;
  const { column, type, ascending } = ORDERS[sort];
  const key = sql`(${sql(`i.${column}`)}, i.id)`;
  // Where the page starts is given at run time: the walk from it is the plan wherever it is, and a
  // cursor the planner saw had the gallery's deep pages planned anew on every request.
  const id = atRunTime(sql, c.id);
  // The date taken is its owner's to know: a cursor of that order names only the image, and the
  // database looks up where it sorts (an image keeps its row, in the trash too, until purged).
  const at = sort === 'taken' ? sql`((select c.taken_sort from images c where c.id = ${id}), ${id})`
    : sql`(${atRunTime(sql, c.key)}::${sql.unsafe(type)}, ${id})`;
  return ascending !== back ? sql`and ${key} > ${at}` : sql`and ${key} < ${at}`;
}

function orderOf(sql: Sql, sort: Sort, back = false) {
  const { column, ascending } = ORDERS[sort];
  return ascending !== back ? sql`order by ${sql(`i.${column}`)} asc, i.id asc` : sql`order by ${sql(`i.${column}`)} desc, i.id desc`;
}

/** Where an image sits in every sort: its upload time as text and its size (the date taken is looked up by id). */
export type SortKeys = { id: string; ts: string; bytes: number };

/**
 * The image just before or after `at` in a list: a page of none, plus the one row that says
 * whether there is more. So a search reads its matches as a page of it does, rather than walking
 * past the rest of the list.
 */
export function beside(sql: Sql, l: Omit<ListQuery, 'cursor' | 'limit'>, at: SortKeys, before: boolean) {
  const cursor = { key: l.sort === 'largest' ? String(at.bytes) : at.ts, id: at.id };
  return listKeys(sql, { ...l, cursor, before, limit: 0 });
}

/** The images just before and after `at` in a list (for previous / next on the image page). */
export async function neighbours(sql: Sql, l: Omit<ListQuery, 'cursor' | 'limit'>, at: SortKeys) {
  const [[prev], [next]] = await Promise.all([beside(sql, l, at, true), beside(sql, l, at, false)]);
  return { prev: prev?.id, next: next?.id };
}

/** A search with at most this many matches reads them all from the GIN index, then sorts them. */
const FEW_MATCHES = 1000;

type Fragment = PendingQuery<Row[]>;
/** What a search's matches carry of each image besides its sort column: its id and revision, and what scopes read. */
const FOUND = ['id', 'xmin', 'user_id', 'visibility', 'deleted_at', 'withheld'] as const;

/** The columns of a ListedKey in `sort`'s order, of an image `i`. */
function keyColumns(sql: Sql, sort: Sort) {
  const { key } = ORDERS[sort];
  return key ? sql`i.id, i.xmin as rev, ${sql.unsafe(key)} as key` : sql`i.id, i.xmin as rev`;
}

/** The images of `ids` with every column a tile shows, and their revisions (in no order). */
export function readListed(sql: Sql, ids: string[]) {
  return sql<(ListedImage & { rev: string })[]>`
    select ${sql(LISTED.map((c) => `i.${c}`))}, i.created_at::text as ts, u.username, i.xmin as rev
    from images i join users u on u.id = i.user_id where i.id = any(${ids})`;
}

/**
 * One page of a list as its images' keys, in display order (images/rows.ts fills in the rest for
 * a page; the API reads each image's details by id); `limit + 1` rows tell whether another page
 * exists. With `before`, the rows before the cursor, still in display order: the extra row, when
 * there is one, comes first (it belongs to the page before this one).
 */
export function listKeys(sql: Sql, l: ListQuery) {
  const { column, ascending, key } = ORDERS[l.sort];
  // The keys of the page's rows of `source` (and their sort column, for `display`): the scope,
  // the search, where the page starts, its order and its length.
  const page = (source: Fragment, where: Fragment, search: Fragment, sorted = true) => sql<ListedKey[]>`
    select ${keyColumns(sql, l.sort)} ${sorted ? sql`, ${sql(`i.${column}`)} as sort_key` : sql``} from ${source} i
    where ${where} ${whereScope(sql, l.scope)} ${search} ${afterCursor(sql, l.sort, l.cursor, l.before)}
    ${orderOf(sql, l.sort, l.before)} limit ${count(sql, l.limit + 1)}`;
  const words = searchWords(l.q);
  // Walked forwards, the rows come in display order; walked backwards from the cursor through the
  // same index, they are turned around (limit + 1 rows). The sort column goes no further.
  const order = ascending ? sql`order by sort_key asc, id asc` : sql`order by sort_key desc, id desc`;
  const display = (rows: Fragment | PendingQuery<ListedKey[]>) => sql<ListedKey[]>`select ${key ? sql`id, rev, key` : sql`id, rev`} from (${rows}) i ${order}`;
  if (words.length === 0) return l.before ? display(page(sql`images`, sql``, sql``)) : page(sql`images`, sql``, sql``, false);
  // No index both finds words and keeps an order: walking the list's index and skipping what does
  // not match costs what the list holds when the matches are few, and reading every match from
  // the GIN index costs what the matches are when they are many. So the GIN index is read first,
  // up to FEW_MATCHES + 1 matches: if that is all of them, they are sorted here; otherwise the
  // word is common, and the walk finds a page of it soon. (`found` is a fence: the planner cannot
  // turn it back into a walk of the time index that meets the matches last. The walk tests each
  // image with `ts_match_vq`, the function behind `@@`: the operator would let the planner answer
  // it from the GIN index and sort, which is the wrong way for a word it cannot know is common.)
  const query = tsquery(sql, words);
  const gin = sql`select ${sql([...FOUND, column].map((c) => `i.${c}`))} from images i where i.search @@ ${query} limit ${count(sql, FEW_MATCHES + 1)}`;
  const few = sql`(select few from counted)`;
  return display(sql`
    with found as materialized (${gin}), counted as (select count(*) <= ${count(sql, FEW_MATCHES)} as few from found)
    (${page(sql`found`, sql`${few} and`, sql``)})
    union all
    (${page(sql`images`, sql`not ${few} and`, sql`and ts_match_vq(i.search, ${query})`)})`);
}

/**
 * Where to land in a list once `ids` have left it: the image after the last of them in the list's
 * order, else the one before the first of them; undefined when the list is now empty.
 */
export async function followingImage(sql: Sql, l: Omit<ListQuery, 'cursor' | 'limit'>, ids: string[]) {
  if (ids.length === 0) return undefined;
  const edge = (back: boolean) => sql<SortKeys[]>`
    select i.id, i.created_at::text as ts, i.bytes from images i where i.id in ${sql(ids)} ${orderOf(sql, l.sort, back)} limit 1`;
  const [[first], [last]] = await Promise.all([edge(false), edge(true)]);
  if (!first || !last) return undefined;
  return (await neighbours(sql, l, last)).next ?? (await neighbours(sql, l, first)).prev;
}

/** What a feed entry shows of a public image (its display derivative, title and caption). */
export type FeedImage = Pick<ImageRow, 'id' | 'filename' | 'title' | 'caption' | 'alt_text' | 'width' | 'height' | 'thumb_hash' | 'thumb2x_hash' | 'display_hash' | 'epoch' | 'created_at'>
  & { username: string };

/** The newest `limit` public images of a public scope (everyone's, or one user's), for a feed. */
export function newestPublic(sql: Sql, scope: Exclude<Scope, { ownerId: string }>, limit: number) {
  return sql<FeedImage[]>`
    select i.id, i.filename, i.title, i.caption, i.alt_text, i.width, i.height, i.thumb_hash, i.thumb2x_hash, i.display_hash, i.epoch,
           i.created_at, u.username
    from images i join users u on u.id = i.user_id
    where ${whereScope(sql, scope)} ${orderOf(sql, 'newest')} limit ${limit}`;
}
