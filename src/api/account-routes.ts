import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../web/env.ts';
import { listKeys } from '../images/list.sql.ts';
import { encodeCursor } from '../images/cursor.ts';
import { imagesPage, readCursor } from './pages.ts';
import { originOf } from '../web/origin.ts';
import { callerOf, requireScope, type ApiEnv } from './bearer.ts';
import { storageOf } from '../auth/users.sql.ts';
import { accountById } from '../recovery/accounts.sql.ts';
import { publicImage } from './present.ts';
import { apiApp, AUTHED, json, problems } from './responses.ts';
import { GallerySchema, ListQuerySchema, MeSchema } from './schemas.ts';

const meRoute = createRoute({
  method: 'get', path: '/v1/me', tags: ['Account'], security: [{ bearer: [] }], middleware: [requireScope('read')],
  summary: "The token's account",
  responses: { 200: json(MeSchema, 'Who the token acts for, its scope, and the storage used of the quota.'), ...problems(...AUTHED) },
});

/** No token, or a token: OpenAPI's way of saying the token is optional. */
const OPTIONAL_TOKEN: Record<string, string[]>[] = [{}, { bearer: [] }];

const galleryRoute = (gate: MiddlewareHandler<ApiEnv>) => createRoute({
  method: 'get', middleware: [gate], path: '/v1/gallery', tags: ['Gallery'], security: OPTIONAL_TOKEN,
  summary: 'Public images',
  description: 'Everyone\'s public images, newest first unless `sort` says otherwise. No token needed, unless the instance keeps its gallery for members.',
  request: { query: ListQuerySchema },
  responses: { 200: json(GallerySchema, 'A page of the gallery.'), ...problems(...AUTHED, 422) },
});

/** `mayBrowse`: whether the instance shows its gallery to visitors (else a token is needed). */
export function accountApi({ sql, config }: Deps, mayBrowse: () => Promise<boolean>) {
  const app = apiApp();

  app.openapi(meRoute, async (c) => {
    const { id, username, role, scope } = callerOf(c);
    const [account, storage] = await Promise.all([accountById(sql, id), storageOf(sql, id, config.upload.quotaBytes)]);
    return c.json({ id, username, email: account!.email, role, scope, quota_bytes: storage.quota, used_bytes: storage.used }, 200);
  });

  const membersOnly: MiddlewareHandler<ApiEnv> = async (c, next) => (c.get('caller') || (await mayBrowse()) ? next() : requireScope('read')(c, next));
  app.openapi(galleryRoute(membersOnly), async (c) => {
    const { cursor: raw, limit, q, sort } = c.req.valid('query');
    const cursor = readCursor(raw, sort);
    const rows = await listKeys(sql, { scope: { public: true }, sort, q, cursor, limit });
    const { images, next_cursor } = await imagesPage(sql, rows, limit, encodeCursor, cursor);
    const origin = originOf(c, config.publicUrl);
    return c.json({ images: images.map((r) => publicImage(origin, r)), next_cursor }, 200);
  });

  return app;
}
