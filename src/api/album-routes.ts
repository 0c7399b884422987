import { randomBytes } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Deps } from '../web/env.ts';
import { albumKeys, createAlbum, findAlbum, listOwnAlbums } from '../albums/albums.sql.ts';
import { joinAlbum, removeFromAlbum } from '../albums/members.sql.ts';
import { encodeKey, paginate } from '../images/cursor.ts';
import { imagesPage, readCursor } from './pages.ts';
import { findOwned } from '../images/images.sql.ts';
import { mustBeVerifiedFor } from '../recovery/sharing.ts';
import { HttpError, NotFound } from '../web/errors.tsx';
import { randomId } from '../web/ids.ts';
import { originOf } from '../web/origin.ts';
import { callerOf, requireScope, type ApiEnv } from './bearer.ts';
import { ownAlbum, ownImage } from './present.ts';
import { apiApp, AUTHED, json, problems } from './responses.ts';
import { AddedSchema, AlbumImagesSchema, AlbumListSchema, AlbumSchema, IdParam, ImageListSchema, ListQuerySchema, NewAlbumSchema } from './schemas.ts';

const security = [{ bearer: [] }];
const read = [requireScope('read')];
const write = [requireScope('write')];
const MemberParams = IdParam.extend({ image_id: z.string().regex(/^[\w-]{1,64}$/).openapi({ param: { name: 'image_id', in: 'path' } }) });

const listRoute = createRoute({
  method: 'get', path: '/v1/albums', tags: ['Albums'], security, middleware: read,
  summary: 'List your albums', description: 'Newest first, in keyset pages.',
  request: { query: ListQuerySchema.pick({ cursor: true, limit: true }) },
  responses: { 200: json(AlbumListSchema, 'A page of your albums.'), ...problems(...AUTHED, 422) },
});
const createRouteDef = createRoute({
  method: 'post', path: '/v1/albums', tags: ['Albums'], security, middleware: write,
  summary: 'Create an album', description: 'An unlisted album gets a share link (`share_url`).',
  request: { body: { required: true, content: { 'application/json': { schema: NewAlbumSchema } } } },
  responses: { 201: json(AlbumSchema, 'The album.'), ...problems(...AUTHED, 400, 403, 415, 422) },
});
const getRoute = createRoute({
  method: 'get', path: '/v1/albums/{id}', tags: ['Albums'], security, middleware: read,
  summary: 'One of your albums', request: { params: IdParam },
  responses: { 200: json(AlbumSchema, 'The album.'), ...problems(...AUTHED, 404) },
});
const imagesRoute = createRoute({
  method: 'get', path: '/v1/albums/{id}/images', tags: ['Albums'], security, middleware: read,
  summary: "An album's images", description: "In the album's own order, in keyset pages.",
  request: { params: IdParam, query: ListQuerySchema.pick({ cursor: true, limit: true }) },
  responses: { 200: json(ImageListSchema, 'A page of the album.'), ...problems(...AUTHED, 404, 422) },
});
const addRoute = createRoute({
  method: 'post', path: '/v1/albums/{id}/images', tags: ['Albums'], security, middleware: write,
  summary: 'Add images to an album',
  description: 'Your own images only (any other id is a 404 and nothing changes). Private images joining an album others see '
    + 'become visible to them through it: that needs `confirm: true`, else the answer is 409.',
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: AlbumImagesSchema } } } },
  responses: { 200: json(AddedSchema, 'The images added.'), ...problems(...AUTHED, 400, 403, 404, 409, 415, 422) },
});
const removeRoute = createRoute({
  method: 'delete', path: '/v1/albums/{id}/images/{image_id}', tags: ['Albums'], security, middleware: write,
  summary: 'Take an image out of an album', description: 'The image itself stays in your library.',
  request: { params: MemberParams },
  responses: { 204: { description: 'Removed.' }, ...problems(...AUTHED, 403, 404) },
});

/** The albums of the token's owner: list, create, read, add and remove images; the same rules as the pages. */
export function albumApi(deps: Deps) {
  const { sql, config } = deps;
  const app = apiApp();
  const origin = (c: Context) => originOf(c, config.publicUrl);

  /** The caller's album, or 404: another person's answers exactly as a missing one. */
  async function owned(c: Context<ApiEnv>, id: string) {
    const album = await findAlbum(sql, id);
    if (!album || album.user_id !== callerOf(c).id) throw new NotFound();
    return album;
  }

  app.openapi(listRoute, async (c) => {
    const { cursor: raw, limit } = c.req.valid('query');
    const cursor = readCursor(raw, 'newest');
    const rows = await listOwnAlbums(sql, callerOf(c).id, cursor, limit);
    const { page, next } = paginate(rows, limit, (r) => encodeKey(r.ts, r.id), { cursor });
    return c.json({ albums: page.map((a) => ownAlbum(origin(c), a)), next_cursor: next ?? null }, 200);
  });

  app.openapi(createRouteDef, async (c) => {
    const a = c.req.valid('json');
    const userId = callerOf(c).id;
    await mustBeVerifiedFor(deps, userId, a.visibility);
    const id = randomId();
    await createAlbum(sql, { id, user_id: userId, ...a, share_token: a.visibility === 'unlisted' ? randomBytes(20).toString('base64url') : null });
    return c.json(ownAlbum(origin(c), await owned(c, id)), 201);
  });

  app.openapi(getRoute, async (c) => c.json(ownAlbum(origin(c), await owned(c, c.req.valid('param').id)), 200));

  app.openapi(imagesRoute, async (c) => {
    const album = await owned(c, c.req.valid('param').id);
    const { cursor: raw, limit } = c.req.valid('query');
    const cursor = readCursor(raw, album.sort);
    const rows = await albumKeys(sql, { id: album.id, sort: album.sort, cursor, limit });
    const { images, next_cursor } = await imagesPage(sql, rows, limit, (r) => encodeKey(r.key, r.id), cursor);
    return c.json({ images: images.map((i) => ownImage(origin(c), i)), next_cursor }, 200);
  });

  app.openapi(addRoute, async (c) => {
    const album = await owned(c, c.req.valid('param').id);
    const { ids, confirm } = c.req.valid('json');
    const userId = callerOf(c).id;
    if ((await findOwned(sql, userId, ids)).length < new Set(ids).size) throw new NotFound();
    const joined = await joinAlbum(sql, album, userId, ids, confirm);
    if ('unshared' in joined) {
      const { unshared } = joined;
      throw new HttpError(409, `${unshared} of these images ${unshared === 1 ? 'is' : 'are'} not shared, and the album is ${album.visibility}: `
        + 'adding them shows them to whoever sees the album. Send "confirm": true to add them anyway.');
    }
    return c.json({ added: joined.added }, 200);
  });

  app.openapi(removeRoute, async (c) => {
    const { id, image_id } = c.req.valid('param');
    const removed = await removeFromAlbum(sql, id, callerOf(c).id, [image_id]);
    if (!removed?.length) throw new NotFound();
    return c.body(null, 204);
  });

  return app;
}
