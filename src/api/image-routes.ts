import { randomBytes } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findImage, updateDetails, updateVisibility } from '../images/images.sql.ts';
import { objectKeys } from '../images/keys.ts';
import { CONTENT_TYPES } from '../images/pipeline.ts';
import { attachment, downloadName, serveObject } from '../images/serve.ts';
import { listKeys } from '../images/list.sql.ts';
import { encodeCursor } from '../images/cursor.ts';
import { imagesPage, readCursor } from './pages.ts';
import { discardImage } from '../images/discard.ts';
import { missingImages } from '../images/missing.ts';
import { restoreOwnedImages } from '../images/trash.sql.ts';
import { hiddenMessage } from '../images/views.tsx';
import { mustBeVerifiedFor } from '../recovery/sharing.ts';
import { Invalid, NotFound } from '../web/errors.tsx';
import { originOf } from '../web/origin.ts';
import { callerOf, requireScope, type ApiEnv } from './bearer.ts';
import { imagesByIds } from '../images/by-id.sql.ts';
import type { UploadDeps } from '../upload/ingest.ts';
import { uploadImages, uploadRoute } from './upload.ts';
import { ownImage } from './present.ts';
import { apiApp, AUTHED, json, problems } from './responses.ts';
import { IdParam, ImageListSchema, ImagePatchSchema, ImageSchema, ListQuerySchema } from './schemas.ts';

const security = [{ bearer: [] }];

const listRoute = createRoute({
  method: 'get', path: '/v1/images', tags: ['Images'], security, middleware: [requireScope('read')],
  summary: 'List your images',
  description: 'Keyset pages: pass `next_cursor` as `cursor` for the next page (with the same `sort` and `q`).',
  request: { query: ListQuerySchema },
  responses: { 200: json(ImageListSchema, 'A page of your images.'), ...problems(...AUTHED, 422) },
});

const getRoute = createRoute({
  method: 'get', path: '/v1/images/{id}', tags: ['Images'], security, middleware: [requireScope('read')],
  summary: 'One of your images',
  request: { params: IdParam },
  responses: { 200: json(ImageSchema, 'The image.'), ...problems(...AUTHED, 404) },
});

const patchRoute = createRoute({
  method: 'patch', path: '/v1/images/{id}', tags: ['Images'], security, middleware: [requireScope('write')],
  summary: 'Change an image',
  description: 'Only the fields sent change. Making an image `unlisted` gives it a share link (`share_url`); an unlisted image keeps a live link (sending `unlisted` again renews one that expired).',
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: ImagePatchSchema } } } },
  responses: { 200: json(ImageSchema, 'The image as it is now.'), ...problems(...AUTHED, 400, 403, 404, 409, 415, 422) },
});

const originalRoute = createRoute({
  method: 'get', path: '/v1/images/{id}/original', tags: ['Images'], security,
  summary: 'Download the original',
  description: 'The exact bytes you uploaded, as an attachment under its filename (with the extension of its real format). Supports `Range`.',
  request: { params: IdParam },
  responses: {
    200: { description: 'The file.', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    206: { description: 'The range asked for.' },
    ...problems(...AUTHED, 404),
  },
});

const deleteRoute = createRoute({
  method: 'delete', path: '/v1/images/{id}', tags: ['Images'], security, middleware: [requireScope('write')],
  summary: 'Delete an image',
  description: 'To the trash, where it can be restored until it is emptied (or for good at once when the instance keeps no trash). '
    + 'An image already in the trash counts as deleted.',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted.' }, ...problems(...AUTHED, 403, 404) },
});

const restoreRoute = createRoute({
  method: 'post', path: '/v1/images/{id}/restore', tags: ['Images'], security, middleware: [requireScope('write')],
  summary: 'Restore an image from the trash',
  description: 'Back where it was, as it was (an image not in the trash is answered as it is).',
  request: { params: IdParam },
  responses: { 200: json(ImageSchema, 'The image as it is now.'), ...problems(...AUTHED, 403, 404) },
});

/** The images of the token's owner: upload, list, read, change, delete. */
export function imageApi(deps: UploadDeps) {
  const { sql, storage, config } = deps;
  const app = apiApp();
  const origin = (c: Context) => originOf(c, config.publicUrl);

  // Registered for the document only: the body streams through the upload pipeline, which
  // checks its fields itself, so no validator may read it first.
  app.openAPIRegistry.registerPath(uploadRoute);
  app.post(uploadRoute.path, requireScope('write'), uploadImages(deps));

  app.openapi(listRoute, async (c) => {
    const { cursor: raw, limit, q, sort } = c.req.valid('query');
    const cursor = readCursor(raw, sort);
    const rows = await listKeys(sql, { scope: { ownerId: callerOf(c).id }, sort, q, cursor, limit });
    const { images, next_cursor } = await imagesPage(sql, rows, limit, encodeCursor, cursor);
    return c.json({ images: images.map((r) => ownImage(origin(c), r)), next_cursor }, 200);
  });

  /**
   * The caller's image, or 404: another person's answers exactly as a missing one. `changing`:
   * one in the caller's trash is a 409 (restored, it can be changed again).
   */
  async function owned(c: Context<ApiEnv>, id: string, changing = false) {
    const [row] = await imagesByIds(sql, [id], callerOf(c).id);
    if (!row) throw changing ? await missingImages(sql, callerOf(c).id, [id]) : new NotFound();
    return row;
  }

  app.openapi(getRoute, async (c) => c.json(ownImage(origin(c), await owned(c, c.req.valid('param').id)), 200));

  app.openapi(patchRoute, async (c) => {
    const { id } = c.req.valid('param');
    const change = c.req.valid('json');
    const userId = callerOf(c).id;
    const image = await owned(c, id, true);
    // Unlisted again renews a link that expired (a live one is kept, with its expiry).
    const newVisibility = change.visibility !== image.visibility || change.visibility === 'unlisted' ? change.visibility : undefined;
    // Checked before anything is written: a refused change changes nothing.
    if (newVisibility && newVisibility !== 'private' && image.hidden_at) throw new Invalid({ visibility: hiddenMessage(image.hidden_reason) });
    if (newVisibility) await mustBeVerifiedFor(deps, userId, newVisibility);
    if (change.title !== undefined || change.caption !== undefined || change.alt_text !== undefined) {
      await updateDetails(sql, id, userId, { title: change.title ?? image.title, caption: change.caption ?? image.caption, alt_text: change.alt_text ?? image.alt_text });
    }
    if (newVisibility) {
      await updateVisibility(sql, id, userId, newVisibility === 'unlisted'
        ? { visibility: newVisibility, expires: 'keep', fresh: randomBytes(20).toString('base64url') } : { visibility: newVisibility });
    }
    return c.json(ownImage(origin(c), await owned(c, id)), 200);
  });

  // Registered for the document only: the answer streams the stored object.
  app.openAPIRegistry.registerPath(originalRoute);
  app.get('/v1/images/:id/original', requireScope('read'), async (c) => {
    const image = await findImage(sql, c.req.param('id'));
    if (!image || image.user_id !== callerOf(c).id) throw new NotFound();
    return serveObject(c, storage, {
      key: objectKeys(image).original,
      size: Number(image.bytes),
      contentType: CONTENT_TYPES[image.format],
      etag: `"o${image.sha256.slice(0, 32)}"`,
      cacheControl: 'private, no-store',
      disposition: attachment(downloadName(image.filename, image.format)),
      ranges: true,
    });
  });

  app.openapi(deleteRoute, async (c) => {
    // One already in the trash (deleted by another client) counts as done, as on the web.
    if (!(await discardImage(deps, callerOf(c).id, c.req.valid('param').id))) throw new NotFound();
    return c.body(null, 204);
  });

  app.openapi(restoreRoute, async (c) => {
    const { id } = c.req.valid('param');
    await restoreOwnedImages(sql, callerOf(c).id, [id]);
    return c.json(ownImage(origin(c), await owned(c, id)), 200);
  });

  return app;
}
