import { cors } from 'hono/cors';
import type { UploadDeps } from '../upload/ingest.ts';
import { bearer } from './bearer.ts';
import { accountApi } from './account-routes.ts';
import { albumApi } from './album-routes.ts';
import { imageApi } from './image-routes.ts';
import { apiError, problem } from './problem.ts';
import { apiApp } from './responses.ts';
import { originOf } from '../web/origin.ts';

/**
 * The JSON API under /api/: personal tokens only (`Authorization: Bearer`), never cookies, so it
 * needs no CSRF token and a page's session cannot be used through it from another site. Any site
 * may call it with a token (CORS without credentials). Its OpenAPI document is generated from the
 * routes' own zod schemas, and /api/docs shows it.
 */
export function apiRoutes(deps: UploadDeps, mayBrowse: () => Promise<boolean>) {
  const api = apiApp();
  api.use('/api/v1/*', cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Retry-After', 'WWW-Authenticate', 'Location'],
    maxAge: 86400,
  }));
  api.use('/api/v1/*', async (c, next) => {
    await next();
    // Answers depend on the token: no shared cache may keep them.
    c.res.headers.append('Vary', 'Authorization');
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'private, no-store');
  });
  api.use('/api/v1/*', bearer(deps.sql, { perMinute: deps.config.api.requestsPerMinute, trustProxy: deps.config.trustProxy }));

  api.route('/api', imageApi(deps));
  api.route('/api', albumApi(deps));
  api.route('/api', accountApi(deps, mayBrowse));

  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http', scheme: 'bearer', description: 'A personal token (`cir_…`) from Settings → API tokens.',
  });
  api.doc31('/api/v1/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'cloud-image-repository API', version: '1',
      description: 'Upload, list, change and delete your images and albums with a personal token. '
        + 'Errors are `application/problem+json` (RFC 9457).',
    },
    servers: [{ url: originOf(c, deps.config.publicUrl) }],
  }));
  api.all('/api/v1/*', (c) => problem(c, 404, 'There is no such endpoint: see /api/docs.'));
  api.onError(apiError);
  return api;
}
