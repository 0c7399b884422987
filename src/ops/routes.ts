import { createHash, timingSafeEqual } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Metrics, ScrapeSources } from './metrics.ts';

declare const Deno: { serve(opts: { port: number; hostname: string; onListen?: (addr: { port: number }) => void }, h: (r: Request) => Response | Promise<Response>): { shutdown(): Promise<void>; addr: { port: number } } } | undefined;

export type MetricsDeps = ScrapeSources & { metrics: Metrics; config: { metrics: { token?: string } } };

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether `header` is `Bearer <token>`, compared in constant time (digests of equal length). */
function bearerIs(header: string | undefined, token: string) {
  const given = header?.match(/^Bearer +(\S+)\s*$/i)?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/**
 * `GET /metrics` in the Prometheus text format. With METRICS_TOKEN it answers only
 * `Authorization: Bearer <token>`, and anyone else hears what an unknown URL answers: a scanner
 * learns nothing, not even that metrics exist here.
 */
export function metricsRoutes(deps: MetricsDeps) {
  const app = new Hono();
  const { token } = deps.config.metrics;
  app.get('/metrics', async (c) => {
    if (token && !bearerIs(c.req.header('Authorization'), token)) return c.notFound();
    const text = await deps.metrics.scrape(deps);
    return c.body(text, 200, { 'Content-Type': deps.metrics.contentType, 'Cache-Control': 'no-store' });
  });
  return app;
}

/**
 * Serves only `/metrics` on a port of its own (METRICS_PORT), for a network the public does not
 * reach; under Node or Deno. Resolves once listening, with the port (0 asks for any free one).
 */
export function serveMetrics(deps: MetricsDeps, opts: { port: number; hostname: string }): Promise<{ port: number; close(): Promise<void> }> {
  const app = metricsRoutes(deps);
  return new Promise((resolve) => {
    if (typeof Deno !== 'undefined') {
      const server = Deno.serve({ ...opts, onListen: (addr) => resolve({ port: addr.port, close: () => server.shutdown() }) }, app.fetch);
      return;
    }
    const server = serve({ fetch: app.fetch, ...opts }, (info) =>
      resolve({ port: info.port, close: () => new Promise<void>((done) => server.close(() => done())) }));
  });
}
