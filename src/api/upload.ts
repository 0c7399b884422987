import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ingestUpload, type FileOutcome, type UploadDeps } from '../upload/ingest.ts';
import { bodyTooLarge, maxUploadBytes } from '../upload/multipart.ts';
import { findAlbum, type Album } from '../albums/albums.sql.ts';
import { joinAlbum } from '../albums/members.sql.ts';
import { mayShare } from '../recovery/sharing.ts';
import { Invalid } from '../web/errors.tsx';
import { originOf } from '../web/origin.ts';
import { streamed } from '../web/request-body.ts';
import { callerOf, type ApiEnv } from './bearer.ts';
import { giveShareLinks, imagesByIds, setTitles } from '../images/by-id.sql.ts';
import { ownImage } from './present.ts';
import { problem } from './problem.ts';
import { AUTHED, json, problems } from './responses.ts';
import { UploadFormSchema, UploadResponseSchema, type UploadFields } from './schemas.ts';

const security = [{ bearer: [] }];

export const uploadRoute = createRoute({
  method: 'post', path: '/v1/images', tags: ['Images'], security,
  summary: 'Upload images',
  description: 'The same checks, limits and quota as the upload form, file by file: one bad file does not sink the others. '
    + '201 when anything new was stored, 200 when every file was one you already had.',
  request: { body: { required: true, content: { 'multipart/form-data': { schema: UploadFormSchema } } } },
  responses: {
    201: json(UploadResponseSchema, 'At least one image was stored; `results` says what became of each file, in the order sent.'),
    200: json(UploadResponseSchema, 'Nothing new was stored: every file was already yours.'),
    ...problems(...AUTHED, 403, 413, 415, 422, 503),
  },
});

/** What an upload may say besides the files and their visibility: checked with them, by the schema the document shows. */
const UPLOAD_FIELDS = (({ album, title, confirm }) => ({ album, title, confirm }))(UploadFormSchema.shape);

/**
 * POST /api/v1/images: the upload form's pipeline, answered in JSON, file by file. Unlisted
 * images get their links once stored; a named album must be the caller's, or nothing is kept.
 */
export function uploadImages(deps: UploadDeps) {
  const { sql, config } = deps;

  /** The fields the upload carried (checked by UPLOAD_FIELDS) and the caller's album it names. */
  async function albumNamed(userId: string, fields: UploadFields) {
    const album = fields.album ? await findAlbum(sql, fields.album) : undefined;
    if (fields.album && album?.user_id !== userId) throw new Invalid({ album: 'You have no album with this id' });
    return album;
  }

  return async (c: Context<ApiEnv>) => {
    if (Number(c.req.header('Content-Length') ?? 0) > maxUploadBytes(config.upload)) throw bodyTooLarge(maxUploadBytes(config.upload));
    if (!/^multipart\/form-data\s*;/i.test(c.req.header('Content-Type') ?? '')) {
      return problem(c, 415, 'Send the images as multipart/form-data, each in a field named "images".');
    }
    const caller = callerOf(c);
    let album: Album | undefined;
    const { outcomes, visibility, fields } = await ingestUpload(deps, caller.id, streamed(c), {
      mayPublish: await mayShare(deps, caller.id),
      log: c.get('log'),
      visibilities: ['public', 'private', 'unlisted'],
      defaultVisibility: 'private',
      fields: UPLOAD_FIELDS,
      // Before anything is kept: a wrong album refuses the whole upload.
      confirmFields: async (f) => void (album = await albumNamed(caller.id, f as UploadFields)),
    });
    const { title, confirm } = fields as UploadFields;
    const stored = outcomes.flatMap((o) => (o.status === 'stored' ? [o.id] : []));
    if (visibility === 'unlisted') await giveShareLinks(sql, caller.id, stored);
    await setTitles(sql, caller.id, stored, title ?? '');
    const kept = outcomes.flatMap((o) => ('id' in o ? [o.id] : []));
    const joined = album && { id: album.id, ...(await joinAlbum(sql, album, caller.id, kept, confirm === '1')) };
    const origin = originOf(c, config.publicUrl);
    const rows = new Map((await imagesByIds(sql, kept, caller.id)).map((r) => [r.id, ownImage(origin, r)]));
    return answer(c, outcomes, outcomes.map((o) => resultOf(o, rows)), joined && albumOutcome(joined));
  };
}

/** What became of the album named: how many images joined it, how many wait for `confirm=1`. */
function albumOutcome(j: { id: string } & ({ added: string[] } | { unshared: number })) {
  return { id: j.id, added: 'added' in j ? j.added.length : 0, waiting: 'unshared' in j ? j.unshared : 0 };
}

/** 201 when anything was stored, 200 when every file was already there; else a problem carrying the results. */
function answer(c: Context, outcomes: FileOutcome[], results: ReturnType<typeof resultOf>[], album?: object) {
  if (outcomes.some((o) => o.status === 'stored')) return c.json({ results, album }, 201);
  if (outcomes.some((o) => o.status === 'duplicate')) return c.json({ results, album }, 200);
  const retryAfter = Math.max(...outcomes.map((o) => (o.status === 'rejected' && o.retryAfter) || 0));
  const detail = results.length === 1 ? `${results[0]!.filename}: ${results[0]!.error}` : 'No file was stored: `results` says why, file by file.';
  if (retryAfter) return problem(c, 503, detail, { headers: { 'Retry-After': String(retryAfter) }, members: { results } });
  return problem(c, 422, detail, { members: { results } });
}

/** One file's result: what became of it, and the image it is now (or already was). */
function resultOf(o: FileOutcome, rows: Map<string, ReturnType<typeof ownImage>>) {
  if (o.status === 'rejected') return { filename: o.filename, status: o.status, error: o.reason };
  const image = rows.get(o.id);
  return {
    filename: o.filename, status: o.status, id: o.id,
    url: image?.url, image_url: image?.image_url, thumb_url: image?.thumb_url, share_url: image?.share_url,
  };
}
