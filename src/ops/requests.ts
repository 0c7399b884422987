import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from './logging.ts';
import type { Metrics } from './metrics.ts';

/** What every request carries once `observeRequests` has seen it. */
export type OpsEnv = { Variables: { requestId: string; log: Logger } };

// A balancer's id is kept only when it is short and plain: it goes into every log line.
const GIVEN_ID = /^[\w.:=+/-]{1,128}$/;

/**
 * Gives each request an id (the balancer's X-Request-Id behind a trusted proxy, else a new one),
 * sent back in X-Request-Id, and a logger that names it; once answered, writes one log line and
 * counts it in the metrics. Both name the route pattern (`/images/:id`), never the URL, whose
 * path or query may hold a token (`/reset?token=`, share links); no header, cookie or body is
 * logged. Belongs first, so that it sees the response every other middleware finished.
 */
export function observeRequests(deps: { log: Logger; metrics: Metrics; trustProxy: boolean }): MiddlewareHandler<OpsEnv> {
  return async (c, next) => {
    const start = performance.now();
    const given = deps.trustProxy ? c.req.header('X-Request-Id') : undefined;
    const requestId = given && GIVEN_ID.test(given) ? given : crypto.randomUUID();
    const log = deps.log.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    await next();
    const ms = performance.now() - start;
    const route = routePath(c);
    const { status } = c.res;
    c.res.headers.set('X-Request-Id', requestId);
    deps.metrics.request(c.req.method, route, status, ms / 1000);
    const length = c.res.headers.get('Content-Length');
    log.info({
      method: c.req.method,
      route,
      status,
      ms: Math.round(ms * 10) / 10,
      bytes: length === null ? undefined : Number(length),
      userId: signedIn(c),
    }, 'request');
  };
}

/** The account behind the request: a session's user (pages) or a token's (the API). */
function signedIn(c: Context) {
  const v = c.var as { user?: { id: string } | null; caller?: { id: string } | null };
  return v.user?.id ?? v.caller?.id;
}

/**
 * Logs an error nobody expected, once, with its stack and the request's id; the answer then says
 * nothing of it.
 */
export function logUnexpected(c: Context<OpsEnv>, err: unknown) {
  c.var.log.error({ err, method: c.req.method, route: routePath(c) }, 'unexpected error');
}
