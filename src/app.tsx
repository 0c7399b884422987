import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { accountRoutes } from './account/routes.tsx';
import { tokenRoutes } from './api/token-routes.tsx';
import { albumRoutes, imageAlbumsAside } from './albums/routes.tsx';
import { authRoutes } from './auth/routes.tsx';
import { oembedRoutes } from './embeds/oembed.ts';
import { loadSession } from './auth/middleware.ts';
import { createSessions } from './auth/session.ts';
import { signInWith } from './auth/sign-in.ts';
import { passkeyRoutes } from './passkeys/routes.tsx';
import { recoveryRoutes } from './recovery/routes.tsx';
import { twoFactorRoutes } from './two-factor/routes.tsx';
import { needsSecondFactor } from './two-factor/second-factor.ts';
import { healthRoutes } from './health/routes.ts';
import { imageRoutes } from './images/routes.tsx';
import { listRoutes } from './lists/routes.tsx';
import { createRowCache } from './images/rows.ts';
import { uploadRoutes } from './upload/routes.tsx';
import { csrfGuard } from './web/csrf.ts';
import { readSmallBody, refuseNulInUrl } from './web/edge.ts';
import { HttpError, NotFound, renderError, renderUnexpected } from './web/errors.tsx';
import type { AppEnv } from './web/env.ts';
import type { AppDeps } from './deps.ts';
import { staticRoutes } from './web/static.ts';
import { compressResponses } from './web/compress.ts';
import { readFlash } from './web/flash.ts';
import { visitorsOf } from './instance/visitors.ts';
import { createChangeLog } from './lists/public-changes.ts';
import { adminRoutes } from './admin/routes.tsx';
import { moderationRoutes } from './moderation/routes.tsx';
import { apiRoutes } from './api/app.ts';
import { apiDocsRoutes } from './api/docs.tsx';
import { apiError, problem } from './api/problem.ts';
import { observeRequests } from './ops/requests.ts';
import { metricsRoutes } from './ops/routes.ts';

// No inline script anywhere: htmx and our scripts are files served from this origin.
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const FORM_LIMIT = 64 * 1024;
/** Where bodies may be large: uploads, which stream through limits of their own. */
const STREAMED = new Set(['/upload', '/api/v1/images']);
const isApi = (path: string) => path.startsWith('/api/v1/');

/** The whole web app over the given database and storage; no globals, so tests build their own. */
export function createApp(deps: AppDeps) {
  const secure = deps.config.publicUrl?.protocol === 'https:';
  const sessions = createSessions(deps.sql, { secure, log: deps.log, quotaBytes: deps.config.upload.quotaBytes });
  const app = new Hono<AppEnv>();
  const smallBody = readSmallBody({ maxBytes: FORM_LIMIT, deadlineMs: deps.config.http.formDeadlineMs });

  // Before all else: the request id, the log line and the metrics see the finished answer.
  app.use(observeRequests({ log: deps.log, metrics: deps.metrics, trustProxy: deps.config.trustProxy }));
  // Outermost: a request is in flight until its answer is made (the shutdown waits for it), and
  // while the instance drains every answer closes its connection, so clients go elsewhere.
  app.use(async (c, next) => {
    await deps.lifecycle.track(next());
    if (deps.lifecycle.draining) c.res.headers.set('Connection', 'close');
  });
  // First to shape the answer, so that it compresses the response every other middleware has finished.
  app.use(compressResponses());
  app.use(
    secureHeaders({
      // Set below, because image responses carry a stricter policy of their own.
      contentSecurityPolicy: undefined,
      strictTransportSecurity: secure ? 'max-age=31536000; includeSubDomains' : false,
      referrerPolicy: 'same-origin',
      crossOriginResourcePolicy: 'same-origin',
      // Image bytes set their own Cross-Origin-Resource-Policy (public ones may be embedded).
      overwrite: false,
    }),
  );
  // Headers added after the handler go on the response itself: c.header() at that point would
  // rebuild the response around its body as a stream, losing the server's fast path for strings.
  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has('Content-Security-Policy')) c.res.headers.set('Content-Security-Policy', PAGE_CSP);
  });
  app.use(refuseNulInUrl);
  // The API takes no cookies (only bearer tokens), so no other site can act for anyone through it.
  const pagesCsrf = csrfGuard(deps.config.publicUrl);
  app.use((c, next) => (isApi(c.req.path) ? next() : pagesCsrf(c, next)));
  // Forms are small and must arrive quickly; only uploads stream large bodies (with limits of
  // their own).
  app.use(async (c, next) => {
    if (STREAMED.has(c.req.path) || ['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return next();
    return smallBody(c, next);
  });
  app.route('/', healthRoutes(deps));
  // Only for the token's bearer (METRICS_PORT serves them apart from the app).
  if (deps.config.metrics.token) app.route('/', metricsRoutes(deps));
  app.route('/', staticRoutes('static'));
  // The gallery's lists, for members only when the admin says so; an image or album reached by
  // its link still opens, as a shared link does. The admin's word is read with the public lists'
  // version: a visitor's cached page costs one query.
  const publicLists = createChangeLog(deps.sql);
  const visitors = visitorsOf(publicLists.read);
  // The rows behind the tiles of lists and albums, kept by revision (images/rows.ts).
  const rowsOf = createRowCache(deps.sql);
  // Before the session is read: no cookie is ever looked at under /api/v1/.
  app.route('/', apiRoutes(deps, visitors.mayBrowse));
  app.use(loadSession(sessions));
  app.use(readFlash);
  for (const path of ['/gallery', '/gallery.atom', '/u/*', '/albums/public']) app.use(path, visitors.guard);
  app.use(async (c, next) => {
    await next();
    // The same URL answers htmx with a fragment and browsers with a page, and a signed-in user
    // with a page of their own: no shared cache may keep that, nor the browser after sign-out.
    c.res.headers.append('Vary', 'HX-Request, HX-Request-Type, X-Fragment, Cookie');
    if (c.get('user') && !c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'private, no-store');
  });

  const signIn = signInWith(deps.sql, sessions, secure, (userId) => needsSecondFactor(deps.sql, userId));
  app.route('/', authRoutes(deps, sessions, signIn));
  app.route('/', recoveryRoutes(deps, sessions, signIn));
  app.route('/', twoFactorRoutes(deps, signIn));
  app.route('/', passkeyRoutes(deps, signIn));
  app.route('/', accountRoutes(deps, sessions, signIn));
  app.route('/', tokenRoutes(deps));
  app.route('/', uploadRoutes(deps));
  app.route('/', listRoutes({ ...deps, rowsOf }, publicLists, visitors));
  app.route('/', imageRoutes(deps, imageAlbumsAside(deps.sql)));
  app.route('/', albumRoutes({ ...deps, rowsOf }));
  app.route('/', oembedRoutes(deps));
  app.route('/', adminRoutes(deps));
  app.route('/', moderationRoutes(deps));
  app.route('/', apiDocsRoutes());

  app.notFound((c) => (c.req.path.startsWith('/api/') ? problem(c, 404, 'There is no such endpoint: see /api/docs.') : renderError(c, new NotFound())));
  app.onError((err, c) => {
    if (isApi(c.req.path)) return apiError(err, c);
    return err instanceof HttpError ? renderError(c, err) : renderUnexpected(c, err);
  });
  return app;
}
