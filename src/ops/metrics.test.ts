import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../app.tsx';
import { loadConfig } from '../config.ts';
import { janitorDeps } from '../deps.ts';
import { createDecodeQueue } from '../images/decode-queue.ts';
import { runJanitor } from '../janitor/janitor.ts';
import { insertMail } from '../mail/outbox.sql.ts';
import { newUser, TestClient } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { createLogger } from './logging.ts';
import { createMetrics } from './metrics.ts';
import { serveMetrics } from './routes.ts';

const TOKEN = 'metrics-token-0123456789';
const BEARER = { Authorization: `Bearer ${TOKEN}` };

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** The app over `t`'s database and storage with `env`, and metrics of its own. */
function observed(env: Record<string, string> = {}) {
  const config = loadConfig({ DATA_DIR: t.config.dataDir, ...env });
  const metrics = createMetrics();
  const log = createLogger('silent');
  const deps = { ...t, config, metrics, log, decodes: metrics.timedDecodes(createDecodeQueue(config.decode)) };
  return { ...deps, deps, app: createApp(deps) };
}

type Sample = { name: string; labels: Record<string, string>; value: number };
type Family = { type: string; samples: Sample[] };

// The text format (prometheus.io/docs/instrumenting/exposition_formats): `name{label="value",...} number`,
// label values escaped with backslashes; a family's samples follow its `# TYPE` line.
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*",?)*)\})? (-?[0-9.]+(?:e[+-]?[0-9]+)?|NaN|[+-]Inf)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"/g;
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

/** The exposition `text`, checked strictly line by line, by family name; fails on anything malformed. */
function familiesOf(text: string) {
  const families = new Map<string, Family>();
  const series = new Set<string>();
  let current: [string, Family] | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || /^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* \S/.test(line)) continue;
    const declared = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/);
    if (declared) {
      assert.ok(!families.has(declared[1]!), `${declared[1]} is declared once`);
      current = [declared[1]!, { type: declared[2]!, samples: [] }];
      families.set(...current);
      continue;
    }
    const m = line.match(SAMPLE);
    assert.ok(m, `a comment or a sample: ${line}`);
    assert.ok(current, `${line}: after its # TYPE`);
    const [family, f] = current;
    assert.ok((SUFFIXES[f.type] ?? ['']).some((s) => m[1] === family + s), `${m[1]} belongs to ${family}`);
    assert.ok(!series.has(`${m[1]}{${m[2] ?? ''}}`), `${line}: one sample per series`);
    series.add(`${m[1]}{${m[2] ?? ''}}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1]!, l[2]!]));
    f.samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return families;
}

/** The value of the first sample named `name` (default: the family's own name) whose labels include `labels`. */
function valueOf(families: Map<string, Family>, family: string, labels: Record<string, string> = {}, name = family) {
  const f = families.get(family);
  assert.ok(f, `${family} is exposed`);
  return f.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
/** How many observations a histogram's series holds. */
const countOf = (families: Map<string, Family>, family: string, labels: Record<string, string> = {}) => valueOf(families, family, labels, `${family}_count`);

async function scrape(app: { request(path: string, init?: RequestInit): Response | Promise<Response> }) {
  const res = await app.request('/metrics', { headers: BEARER });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('Content-Type')!, /^text\/plain; version=0\.0\.4/);
  return familiesOf(await res.text());
}

describe('GET /metrics on the app', () => {
  test('is not there without METRICS_TOKEN: 404 like an unknown URL', async () => {
    const { app } = observed();
    const [metrics, unknown] = await Promise.all([app.request('/metrics', { headers: BEARER }), app.request('/no-such-page')]);
    assert.equal(metrics.status, 404);
    assert.equal(metrics.headers.get('Content-Type'), unknown.headers.get('Content-Type'));
  });

  test('answers 404 like an unknown URL without the token or with a wrong one', async () => {
    const { app } = observed({ METRICS_TOKEN: TOKEN });
    const unknown = await app.request('/no-such-page');
    const wrong: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong-token-0123456789' }, { Authorization: `Bearer ${TOKEN}x` }, { Authorization: TOKEN }, { Cookie: `token=${TOKEN}` }];
    for (const headers of wrong) {
      const res = await app.request('/metrics', { headers });
      assert.equal(res.status, 404, JSON.stringify(headers));
      assert.equal(res.headers.get('Content-Type'), unknown.headers.get('Content-Type'));
      assert.doesNotMatch(await res.text(), /# TYPE/);
    }
  });

  test('answers the token in the Prometheus text format, which parses', async () => {
    const o = observed({ METRICS_TOKEN: TOKEN });
    const families = await scrape(o.app);
    for (const name of ['http_request_duration_seconds', 'cir_upload_files_total', 'cir_upload_stored_bytes_total', 'cir_stored_bytes',
      'cir_decode_active', 'cir_decode_waiting', 'cir_decode_wait_seconds', 'cir_page_cache_requests_total', 'cir_db_pool_max_connections',
      'cir_db_connections', 'cir_mail_outbox', 'cir_janitor_runs_total', 'cir_janitor_removed_objects_total']) {
      assert.ok(families.has(name), `${name} is exposed`);
    }
    assert.equal(valueOf(families, 'cir_metrics_database_up'), 1);
    assert.equal(valueOf(families, 'cir_db_pool_max_connections'), t.sql.options.max);
    const connections = families.get('cir_db_connections')!.samples.reduce((n, x) => n + x.value, 0);
    assert.ok(connections >= 1, 'the scrape sees at least its own connection');
  });

  test('counts a request by its route pattern, never its URL', async () => {
    const o = observed({ METRICS_TOKEN: TOKEN });
    await o.app.request('/images/no-such-image-abc123?share=secret-share-token');
    await o.app.request('/images/another-one-def456');
    const families = await scrape(o.app);
    assert.equal(countOf(families, 'http_request_duration_seconds', { route: '/images/:id', method: 'GET', status: '404' }), 2);
    const text = await (await o.app.request('/metrics', { headers: BEARER })).text();
    assert.doesNotMatch(text, /abc123|def456|secret-share-token/);
  });
});

test('METRICS_PORT serves /metrics apart from the app, and nothing else', async () => {
  const o = observed();
  const server = await serveMetrics(o.deps, { port: 0, hostname: '127.0.0.1' });
  try {
    await o.app.request('/healthz');
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.status, 200);
    const families = familiesOf(await res.text());
    assert.equal(countOf(families, 'http_request_duration_seconds', { route: '/healthz', status: '200' }), 1);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status, 404);
  } finally {
    await server.close();
  }
});

test('METRICS_PORT asks for METRICS_TOKEN too when it is set', async () => {
  const o = observed({ METRICS_TOKEN: TOKEN });
  const server = await serveMetrics(o.deps, { port: 0, hostname: '127.0.0.1' });
  try {
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: BEARER })).status, 200);
  } finally {
    await server.close();
  }
});

test('uploads are counted by outcome, with the bytes stored and the decode wait', async () => {
  const o = observed({ METRICS_TOKEN: TOKEN });
  const c = await newUser(o, 'counted');
  const photo = await jpeg(64, 48);
  await c.upload([{ name: 'a.jpg', data: photo }, { name: 'b.txt', data: Buffer.from('not an image') }], 'public');
  await c.upload([{ name: 'again.jpg', data: photo }], 'public');
  const families = await scrape(o.app);
  assert.equal(valueOf(families, 'cir_upload_files_total', { outcome: 'stored' }), 1);
  assert.equal(valueOf(families, 'cir_upload_files_total', { outcome: 'duplicate' }), 1);
  assert.equal(valueOf(families, 'cir_upload_files_total', { outcome: 'rejected' }), 1);
  const [row] = await t.sql<{ stored_bytes: string }[]>`select stored_bytes::text from images where filename = 'a.jpg'`;
  assert.equal(valueOf(families, 'cir_upload_stored_bytes_total'), Number(row!.stored_bytes));
  assert.ok(valueOf(families, 'cir_stored_bytes')! >= Number(row!.stored_bytes));
  // Both files of the first upload were decoded (the text file to learn it is none), the repeat was not.
  assert.equal(countOf(families, 'cir_decode_wait_seconds'), 2);
  assert.equal(valueOf(families, 'cir_decode_active'), 0);
});

test('the page cache counts renders, then hits', async () => {
  const o = observed({ METRICS_TOKEN: TOKEN });
  for (let i = 0; i < 3; i++) assert.equal((await new TestClient(o).request('/')).status, 200);
  const families = await scrape(o.app);
  assert.equal(valueOf(families, 'cir_page_cache_requests_total', { result: 'render' }), 1);
  assert.equal(valueOf(families, 'cir_page_cache_requests_total', { result: 'hit' }), 2);
});

test('janitor passes are counted, and the mail outbox is read at scrape time', async () => {
  const o = observed({ METRICS_TOKEN: TOKEN });
  await runJanitor(janitorDeps(o), 3_600_000);
  const before = valueOf(await scrape(o.app), 'cir_mail_outbox');
  await insertMail(t.sql, { kind: 'nothing-we-send', recipient: 'someone@example.com', data: {}, origin: 'http://localhost' });
  try {
    const families = await scrape(o.app);
    assert.equal(valueOf(families, 'cir_janitor_runs_total', { result: 'ran' }), 1);
    assert.equal(valueOf(families, 'cir_mail_outbox'), before! + 1);
  } finally {
    await t.sql`delete from mail_outbox where kind = 'nothing-we-send'`;
  }
});

test('a decode that waits is timed, and one refused because the queue is full is counted', async () => {
  const metrics = createMetrics();
  const decodes = metrics.timedDecodes(createDecodeQueue({ slots: 1, perUser: 1, queue: 1 }));
  let release!: () => void;
  const first = decodes.run('a', () => new Promise<void>((r) => (release = r)));
  const second = decodes.run('b', async () => {}); // waits for the slot
  await assert.rejects(decodes.run('c', async () => {}), /busy/); // the queue is full
  release();
  await Promise.all([first, second]);
  const families = familiesOf(await metrics.registry.metrics());
  assert.equal(countOf(families, 'cir_decode_wait_seconds'), 2);
  assert.equal(valueOf(families, 'cir_decode_wait_seconds', { le: '0' }, 'cir_decode_wait_seconds_bucket'), 1, 'the first started at once');
  assert.equal(valueOf(families, 'cir_decode_refused_total'), 1);
});
