import type { PendingQuery, Row } from 'postgres';
import type { Queryable, Sql } from '../db/client.ts';
import type { ImageFormat } from './pipeline.ts';
import { allKeys, KEY_COLUMNS, type KeyParts } from './keys.ts';
import { queueDeletions } from '../storage/deletions.sql.ts';
import { lockAccount } from '../auth/users.sql.ts';
import type { Zipped } from './zip.ts';
import { PHOTO_DETAIL_COLUMNS, type PhotoDetails } from './exif.ts';

export type Visibility = 'public' | 'private' | 'unlisted';

export type ImageRow = {
  id: string;
  user_id: string;
  filename: string;
  visibility: Visibility;
  format: ImageFormat;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  placeholder: string;
  thumb_hash: string;
  thumb2x_hash: string;
  display_hash: string;
  /** The clean copy's size; null until its first request makes it (sql/0016). */
  clean_bytes: number | null;
  /** Every object of the image together (original, clean copy once made, derivatives): what the quota charges. */
  stored_bytes: number;
  /** Changes with every change of visibility; part of derivative URLs (sql/0008). */
  epoch: number;
  title: string;
  caption: string;
  alt_text: string;
  share_token: string | null;
  share_expires_at: Date | null;
  created_at: Date;
  /** When it went to the trash; null while it is not there. */
  deleted_at: Date | null;
  /** Hidden by a moderator (when, and the reason its owner is shown); null: not hidden. */
  hidden_at: Date | null;
  hidden_reason: string;
  /** Its owner's account is disabled. */
  owner_disabled: boolean;
  /** Hidden, or its owner's account disabled: only its owner sees it (sql/0014). */
  withheld: boolean;
} & PhotoDetails;

export type NewImage = Omit<ImageRow, 'created_at' | 'deleted_at' | 'epoch' | 'title' | 'caption' | 'alt_text' | 'share_token'
  | 'share_expires_at' | 'hidden_at' | 'hidden_reason' | 'owner_disabled' | 'withheld'>;

/**
 * Ids of this user's images whose originals have the given SHA-256, keyed by hash: in the trash
 * or not (its row still holds the bytes: one copy per user, by the unique index).
 */
export async function findDuplicates(sql: Queryable, userId: string, sha256s: string[]) {
  if (sha256s.length === 0) return new Map<string, string>();
  const rows = await sql<{ id: string; sha256: string }[]>`
    select id, sha256 from images where user_id = ${userId} and sha256 in ${sql(sha256s)}`;
  return new Map(rows.map((r) => [r.sha256, r.id]));
}

/** What became of one new image: its row was written, or the same bytes were already there, or it did not fit. */
export type Verdict = { stored: true } | { duplicateOf: string } | { overQuota: { left: number } };

/**
 * Inserts, in order, the images whose stored bytes still fit `quota` for their owner, inside a
 * transaction that locks the user's used-bytes counter so two uploads of one user cannot both
 * spend the same space. Bytes the user already has (stored before, or earlier in `rows`) are not
 * inserted again and cost nothing. Returns a verdict for every row, by id.
 *
 * The images the upload turned out to repeat (`known`, found as its files arrived, and those
 * found here) come out of the trash: uploading their bytes again says the person wants them
 * back. Here, not earlier, so that only an upload that was accepted restores anything.
 */
export async function insertWithinQuota(sql: Sql, userId: string, rows: NewImage[], quota: number, known: string[] = []) {
  return sql.begin(async (tx) => {
    const account = await lockAccount(tx, userId);
    let left = quota - account.used;
    const existing = await findDuplicates(tx, userId, rows.map((r) => r.sha256));
    const verdicts = new Map<string, Verdict>();
    const fitting: NewImage[] = [];
    const repeated = [...known];
    for (const r of rows) {
      const duplicateOf = existing.get(r.sha256);
      if (duplicateOf) {
        verdicts.set(r.id, { duplicateOf });
        repeated.push(duplicateOf);
      } else if (r.stored_bytes > left) verdicts.set(r.id, { overQuota: { left } });
      else {
        existing.set(r.sha256, r.id);
        fitting.push(r);
        left -= r.stored_bytes;
        verdicts.set(r.id, { stored: true });
      }
    }
    if (fitting.length) {
      await tx`insert into images ${tx(fitting.map((r) => ({ ...r, owner_disabled: account.disabled })),
        'id', 'user_id', 'filename', 'visibility', 'format', 'bytes', 'sha256', 'width', 'height',
        'placeholder', 'thumb_hash', 'thumb2x_hash', 'display_hash', 'clean_bytes', 'stored_bytes', 'owner_disabled', ...PHOTO_DETAIL_COLUMNS)}`;
    }
    if (repeated.length) {
      await tx`update images set deleted_at = null
        where user_id = ${userId} and id in ${tx([...new Set(repeated)])} and deleted_at is not null`;
    }
    return verdicts;
  });
}

/** Every column of ImageRow: selects name them, since the table also holds the search vector. */
export const IMAGE_COLUMNS = ['id', 'user_id', 'filename', 'visibility', 'format', 'bytes', 'sha256', 'width', 'height',
  'placeholder', 'thumb_hash', 'thumb2x_hash', 'display_hash', 'clean_bytes', 'stored_bytes', 'epoch', 'title',
  'caption', 'alt_text', 'share_token', 'share_expires_at', 'created_at', 'deleted_at', 'hidden_at', 'hidden_reason', 'owner_disabled',
  'withheld', ...PHOTO_DETAIL_COLUMNS] as const satisfies readonly (keyof ImageRow)[];

/** The image with its owner's name, unless it is missing or in the trash (then no URL of it answers). */
export async function findImage(sql: Sql, id: string) {
  const [row]: [(ImageRow & { username: string; ts: string })?] = await sql`
    select ${sql(IMAGE_COLUMNS.map((c) => `i.${c}`))}, i.created_at::text as ts, u.username
    from images i join users u on u.id = i.user_id
    where i.id = ${id} and i.deleted_at is null`;
  return row;
}

/** Sets the owner's texts of an image; false when `userId` does not own it. */
export async function updateDetails(sql: Sql, id: string, userId: string, d: { title: string; caption: string; alt_text: string }) {
  const rows = await sql`update images set title = ${d.title}, caption = ${d.caption}, alt_text = ${d.alt_text}
    where id = ${id} and user_id = ${userId} and deleted_at is null returning id`;
  return rows.length === 1;
}

/** When an unlisted image's link stops working: as it is now, never, or in some days. */
export type LinkExpiry = 'keep' | 'never' | { days: number };
export type VisibilityChange = { visibility: 'public' | 'private' } | { visibility: 'unlisted'; expires: LinkExpiry; fresh: string };

/**
 * Sets the visibility of an owned image, in one statement, so that a change from another tab in
 * between cannot be written over. Unlisted keeps the share link when the image is still unlisted
 * with a link that has not expired (links already shared go on working), with its expiry unless
 * another is chosen; else the link becomes `fresh` (any old one stops working). Public or
 * private drops the link. Undefined when `userId` has no such image (or it is in the trash);
 * otherwise whether the link was kept.
 */
export async function updateVisibility(sql: Sql, id: string, userId: string, v: VisibilityChange) {
  let token = sql`null`;
  let expiry = sql`null`;
  if (v.visibility === 'unlisted') {
    const live = sql`visibility = 'unlisted' and share_token is not null and (share_expires_at is null or share_expires_at > now())`;
    token = sql`case when ${live} then share_token else ${v.fresh} end`;
    if (v.expires === 'keep') expiry = sql`case when ${live} then share_expires_at end`;
    else if (v.expires !== 'never') expiry = sql`now() + ${v.expires.days} * interval '1 day'`;
  }
  const fresh = v.visibility === 'unlisted' ? v.fresh : null;
  const [row]: [{ kept: boolean }?] = await sql`
    update images set visibility = ${v.visibility}, share_token = ${token}, share_expires_at = ${expiry}
    where id = ${id} and user_id = ${userId} and deleted_at is null
    returning share_token is not null and share_token is distinct from ${fresh}::text as kept`;
  return row;
}

/** The given images that `userId` owns and has not trashed (others are silently left out). */
export async function findOwned(sql: Sql, userId: string, ids: string[]) {
  return sql<Pick<ImageRow, 'id' | 'filename' | 'title'>[]>`
    select id, filename, title from images where user_id = ${userId} and id in ${sql(ids)} and deleted_at is null
    order by created_at desc`;
}

/** What a zip needs of the owned, live images among `ids`, newest first. */
export async function findZipped(sql: Sql, userId: string, ids: string[]) {
  return sql<Zipped[]>`
    select id, user_id, filename, format, bytes, clean_bytes, created_at, thumb_hash, thumb2x_hash, display_hash
    from images where user_id = ${userId} and id in ${sql(ids)} and deleted_at is null order by created_at desc, id desc`;
}

/** `rows` in the order of `ids` (what a form sent), each once; ids without a row are left out. */
export function inOrderGiven<T extends { id: string }>(ids: string[], rows: T[]) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    byId.delete(id);
    return row ? [row] : [];
  });
}

/**
 * Makes many owned images public or private (dropping share links). An image a moderator hid
 * stays as it is when asked to become public: `changed` are the ids changed, in the order
 * given, `held` how many were left for that.
 */
export async function setVisibilityOfMany(sql: Sql, userId: string, ids: string[], visibility: 'public' | 'private') {
  const held = visibility === 'public' ? sql`hidden_at is not null` : sql`false`;
  const rows = await sql<{ id: string; held: boolean }[]>`
    with picked as (
      select id, ${held} as held from images where user_id = ${userId} and id in ${sql(ids)} and deleted_at is null for update
    ), changed as (
      update images i set visibility = ${visibility}, share_token = null, share_expires_at = null
      from picked p where i.id = p.id and not p.held returning i.id
    )
    select id, false as held from changed union all select id, true from picked where held`;
  return { changed: inOrderGiven(ids, rows.filter((r) => !r.held)).map((r) => r.id), held: rows.filter((r) => r.held).length };
}

/**
 * Deletes the image rows `where` picks and queues their objects for deletion, in one
 * transaction (the janitor retries what the caller's purge does not finish); returns their ids
 * and object keys. `where` is evaluated again on a row another transaction changed meanwhile.
 */
export function deleteImages(sql: Sql, where: (tx: Queryable) => PendingQuery<Row[]>) {
  return sql.begin(async (tx) => {
    const rows = await tx<KeyParts[]>`delete from images where ${where(tx)} returning ${tx(KEY_COLUMNS)}`;
    const keys = rows.flatMap((r) => allKeys(r));
    await queueDeletions(tx, keys);
    return { ids: rows.map((r) => r.id), keys };
  });
}

/** Deletes for good the owned images among `ids` (in the trash or not); returns their ids and object keys. */
export async function deleteOwnedImages(sql: Sql, userId: string, ids: string[]) {
  if (ids.length === 0) return { ids, keys: [] };
  return deleteImages(sql, (tx) => tx`user_id = ${userId} and id in ${tx(ids)}`);
}

/** Every object key of every image of the user's. */
export async function keysOfUserImages(sql: Queryable, userId: string) {
  const rows = await sql<KeyParts[]>`select ${sql(KEY_COLUMNS)} from images where user_id = ${userId}`;
  return rows.flatMap((r) => allKeys(r));
}

/** Of the given image ids, every object key their rows name now (for the janitor's orphan sweep). */
export async function keysInUse(sql: Sql, ids: string[]) {
  if (ids.length === 0) return new Set<string>();
  const rows = await sql<KeyParts[]>`select ${sql(KEY_COLUMNS)} from images where id in ${sql(ids)}`;
  return new Set(rows.flatMap((r) => allKeys(r)));
}
