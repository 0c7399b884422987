// The entry point on Node (`npm start`) and Deno (`npm run start:deno`), and `npm run gc` (one
// janitor pass): the only file that reads the environment.
import type { Server } from 'node:http';
import process from 'node:process';
import { serve } from '@hono/node-server';
import { createApp } from './app.tsx';
import { ConfigError, loadConfig } from './config.ts';
import { buildDeps, janitorDeps } from './deps.ts';
import { runJanitor, startJanitor } from './janitor/janitor.ts';
import { capConnectionsPerAddress } from './web/connection-cap.ts';
import { serveMetrics } from './ops/routes.ts';
import { createShutdown, denoListener, nodeListener, type Listener } from './shutdown.ts';

declare const Deno: { serve(opts: { port: number; hostname: string; onListen?: () => void }, h: (r: Request) => Response | Promise<Response>): { shutdown(): Promise<void> } } | undefined;

// A client that trickles its headers (slowloris) is cut off after 10 s; bodies may take long
// (large uploads on slow links) but not forever.
const SERVER_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 30 * 60_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
};

/** `npm run gc`: retry queued deletions and remove orphaned objects now (all of them: a whole sweep), then exit. */
async function gc() {
  const config = loadConfig(process.env);
  const deps = await buildDeps(config);
  try {
    const report = await runJanitor(janitorDeps(deps), config.janitor.graceMs, Infinity);
    deps.log.info(report, report.ran
      ? `janitor: ${report.trashed} image(s) purged from the trash, ${report.retried} queued deletion(s) retried, ${report.orphans} orphaned object(s) removed`
      : 'janitor: another instance is running it; nothing done');
  } finally {
    await deps.close();
  }
}

const MAIL_POLL_MS = 5_000;

async function serveApp() {
  const config = loadConfig(process.env);
  const deps = await buildDeps(config);
  const app = createApp(deps);
  const stopJanitor = startJanitor(janitorDeps(deps), config.janitor);
  // Mail that failed is tried again from here (new mail goes out at once, from its request).
  const stopMail = deps.mail.start(MAIL_POLL_MS);
  const hostname = config.host;
  const announce = () => deps.log.info(`cloud-image-repository listening on http://localhost:${config.port} (${deps.config.databaseUrl ? 'PostgreSQL server' : 'embedded PostgreSQL'}, ${config.s3 ? 'S3' : 'disk'} storage)`);
  const metrics = config.metrics.port ? await serveMetrics(deps, { port: config.metrics.port, hostname }) : undefined;
  if (metrics) deps.log.info(`metrics on http://localhost:${metrics.port}/metrics`);

  let listener: Listener;
  if (typeof Deno !== 'undefined') {
    listener = denoListener(Deno.serve({ port: config.port, hostname, onListen: announce }, app.fetch), deps.lifecycle);
  } else {
    const server = serve({ fetch: app.fetch, port: config.port, hostname, serverOptions: SERVER_TIMEOUTS }, announce) as Server;
    if (config.http.connectionsPerAddress && !config.trustProxy) capConnectionsPerAddress(server, config.http.connectionsPerAddress);
    listener = nodeListener(server);
  }
  const shutdown = createShutdown({
    listener,
    lifecycle: deps.lifecycle,
    graceMs: config.http.shutdownGraceMs,
    stopBackground: () => Promise.all([stopJanitor(), stopMail(), metrics?.close()]),
    close: deps.close,
    log: (line) => deps.log.info(line),
  });
  // A second signal cuts what is still in flight at once.
  const onSignal = (signal: NodeJS.Signals) => {
    shutdown(signal).then((code) => process.exit(code), (err) => {
      deps.log.error({ err }, 'shutdown: failed');
      process.exit(1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

(process.argv[2] === 'gc' ? gc() : serveApp()).catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
