import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Sql } from '../db/client.ts';

/** What a scrape reads besides the counters: the database (shared by every instance) and this instance's decodes. */
export type ScrapeSources = {
  sql: Sql;
  decodes: { load(): { active: number; waiting: number } };
};

export type Metrics = ReturnType<typeof createMetrics>;
/** Moves a decode's job on to encoding (images/decode-queue.ts). */
type ToEncoding = () => Promise<void>;
export type UploadOutcome = 'stored' | 'duplicate' | 'rejected';
/** `hit`: served from the cache; `joined`: a miss that shared another request's rendering; `render`: a miss rendered. */
export type PageCacheResult = 'hit' | 'joined' | 'render';
export type JanitorRun = { ran: boolean; trashed: number; retried: number; orphans: number };

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];

/**
 * This instance's metrics, in a registry of its own (never prom-client's global one), so that
 * every app a test builds counts only its own requests. `processMetrics`: also the runtime's
 * (CPU, memory, event loop, ...), which belong to the process, not to one app.
 */
export function createMetrics(opts: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  const registers = [registry];
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });

  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request arriving to its response starting (a streamed body may go on after), by route pattern, method and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS,
    registers,
  });
  const uploads = new Counter({
    name: 'cir_upload_files_total',
    help: 'Files received in uploads (form and API), by what became of each.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const uploadedBytes = new Counter({
    name: 'cir_upload_stored_bytes_total',
    help: 'Bytes of objects (original and derivatives) written for images this instance stored.',
    registers,
  });
  const storedBytes = new Gauge({
    name: 'cir_stored_bytes',
    help: 'Bytes that every account\'s images take in storage, trash included, as the database counts them (all instances).',
    registers,
  });
  const decodesActive = new Gauge({ name: 'cir_decode_active', help: 'Images being decoded or encoded in this instance.', registers });
  const decodesWaiting = new Gauge({ name: 'cir_decode_waiting', help: 'Image decodes waiting for a slot in this instance.', registers });
  const decodeWait = new Histogram({
    name: 'cir_decode_wait_seconds',
    help: 'Time a decode waited for a slot before it started (0 when one was free).',
    buckets: [0, 0.01, 0.05, 0.25, 1, 5, 15, 60],
    registers,
  });
  const decodesRefused = new Counter({ name: 'cir_decode_refused_total', help: 'Decodes refused at once because the queue was full (the file is to be sent again).', registers });
  const pageCache = new Counter({
    name: 'cir_page_cache_requests_total',
    help: 'Public pages asked of the page cache: hit (cached), joined (a miss that shared a rendering under way), render (a miss rendered by this request).',
    labelNames: ['result'] as const,
    registers,
  });
  const poolMax = new Gauge({ name: 'cir_db_pool_max_connections', help: 'Connections this instance\'s database pool may open (postgres.js `max`; it has no statistics of its own).', registers });
  const connections = new Gauge({
    name: 'cir_db_connections',
    help: 'Connections to this database by state, from pg_stat_activity at scrape time: every client and instance, the scrape\'s own query included.',
    labelNames: ['state'] as const,
    registers,
  });
  const outbox = new Gauge({ name: 'cir_mail_outbox', help: 'Mails in the outbox waiting to be sent or tried again (all instances).', registers });
  const janitorRuns = new Counter({
    name: 'cir_janitor_runs_total',
    help: 'Janitor passes started here: ran, skipped (another instance held the lease) or failed.',
    labelNames: ['result'] as const,
    registers,
  });
  const janitorImages = new Counter({ name: 'cir_janitor_purged_images_total', help: 'Images the janitor purged from the trash after TRASH_DAYS.', registers });
  const janitorObjects = new Counter({
    name: 'cir_janitor_removed_objects_total',
    help: 'Objects the janitor removed: queued deletions retried, and orphans no row named.',
    labelNames: ['kind'] as const,
    registers,
  });
  const up = new Gauge({ name: 'cir_metrics_database_up', help: '1 when this scrape read the database-wide gauges; 0 when it could not (they keep their last values).', registers });
  // Every series from the start, at 0: a rate over a series that appears late misses its first count.
  for (const result of ['hit', 'joined', 'render']) pageCache.inc({ result }, 0);
  for (const outcome of ['stored', 'duplicate', 'rejected']) uploads.inc({ outcome }, 0);
  for (const result of ['ran', 'skipped', 'failed']) janitorRuns.inc({ result }, 0);
  for (const kind of ['retried', 'orphan']) janitorObjects.inc({ kind }, 0);

  return {
    registry,
    /** One answered request; `route` is the pattern it matched, never the URL (which may hold a token). */
    request(method: string, route: string, status: number, seconds: number) {
      http.observe({ method: METHODS.has(method) ? method : 'OTHER', route, status: String(status) }, seconds);
    },
    uploaded(outcome: UploadOutcome, bytes = 0) {
      uploads.inc({ outcome });
      if (bytes) uploadedBytes.inc(bytes);
    },
    pageCache: (result: PageCacheResult) => pageCache.inc({ result }),
    janitor(run: JanitorRun | 'failed') {
      if (run === 'failed' || !run.ran) return janitorRuns.inc({ result: run === 'failed' ? 'failed' : 'skipped' });
      janitorRuns.inc({ result: 'ran' });
      janitorImages.inc(run.trashed);
      janitorObjects.inc({ kind: 'retried' }, run.retried);
      janitorObjects.inc({ kind: 'orphan' }, run.orphans);
    },
    /** `queue` with each decode's wait for a slot measured, and refusals counted. */
    timedDecodes<Q extends { run<T>(userId: string, job: (toEncoding: ToEncoding) => Promise<T>): Promise<T> }>(queue: Q): Q {
      return {
        ...queue,
        run<T>(userId: string, job: (toEncoding: ToEncoding) => Promise<T>) {
          const asked = performance.now();
          let started = false;
          let waited = false;
          const running = queue.run(userId, (toEncoding) => {
            started = true;
            // A job started within run() itself found a slot free: it waited for nothing.
            decodeWait.observe(waited ? (performance.now() - asked) / 1000 : 0);
            return job(toEncoding);
          });
          waited = true;
          return running.catch((err: unknown) => {
            if (!started) decodesRefused.inc();
            throw err;
          });
        },
      };
    },
    /** The exposition text, with the gauges read now from `sources`; the database ones are left out when it does not answer. */
    async scrape(sources: ScrapeSources) {
      const load = sources.decodes.load();
      decodesActive.set(load.active);
      decodesWaiting.set(load.waiting);
      poolMax.set(sources.sql.options.max);
      connections.reset();
      try {
        const [row] = await sources.sql<{ outbox: number; stored: string; states: Record<string, number> | null }[]>`
          select (select count(*) from mail_outbox)::int as outbox,
                 (select coalesce(sum(used_bytes), 0) from users)::text as stored,
                 (select json_object_agg(state, n) from (
                    select coalesce(state, 'unknown') as state, count(*)::int as n
                    from pg_stat_activity where datname = current_database() group by 1) s) as states`;
        outbox.set(row!.outbox);
        storedBytes.set(Number(row!.stored));
        for (const [state, n] of Object.entries(row!.states ?? {})) connections.set({ state }, n);
        up.set(1);
      } catch {
        up.set(0);
      }
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}
