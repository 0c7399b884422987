import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signUpAt, uploadPaths } from './lib/client.ts';
import { load, type Load } from './lib/load.ts';
import { photos } from './lib/photos.ts';
import type { Report } from './lib/report.ts';
import { startServer, type RunningApp } from './lib/server.ts';
import { stat } from './lib/stats.ts';
import type { ListBench } from './lists.ts';

/** One public upload every this many milliseconds through the app: the 2 a second. */
const EVERY_MS = 500;

/**
 * Public uploads through the app, one every EVERY_MS, each a distinct small photo, until
 * `stop()`, which says how many went in and over how long.
 */
async function startUploads(url: string, files: string[]) {
  const user = await signUpAt(url, `churn${Date.now().toString(36)}`);
  let stopped = false;
  let done = 0;
  const started = performance.now();
  const loop = (async () => {
    while (!stopped) {
      const at = performance.now();
      if (done >= files.length) throw new Error(`more than ${files.length} uploads`);
      await uploadPaths(user, [files[done]!], 'public');
      done++;
      await new Promise((r) => setTimeout(r, Math.max(0, EVERY_MS - (performance.now() - at))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { uploads: done, seconds: (performance.now() - started) / 1000 };
    },
  };
}

/**
 * Pages the app's cache has rendered so far, from its /metrics (the app inherits the bench's
 * environment: with METRICS_TOKEN set there, it serves them); undefined without a token.
 */
async function renders(url: string) {
  const token = process.env.METRICS_TOKEN;
  if (!token) return undefined;
  const text = await (await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).text();
  return Number(text.match(/^cir_page_cache_requests_total\{result="render"\} (\d+)/m)?.[1] ?? NaN);
}

/**
 * The page cache under a stream of public uploads (2 a second through the app): gallery page 1
 * (which each upload changes: it renders again) against a bare Hono server answering with the
 * same HTML from memory, and a deep page (which no upload changes: it stays cached) with and
 * without the uploads, at the bench's highest connection count.
 */
export async function pageCacheUnderChurn(report: Report, app: RunningApp, b: ListBench, deepPath: string) {
  const connections = Math.max(...b.connections);
  const [page1, deep] = [`${app.url}/gallery`, `${app.url}${deepPath}`];
  // Enough distinct photos for every second of load below, twice over.
  const files = await photos('churn', Math.ceil((2 * (2 * b.runs + 1) * b.seconds + 8) * (1000 / EVERY_MS)) * 2, 320, 240, 80);
  const dir = await mkdtemp(join(tmpdir(), 'bench-churn-'));
  const file = join(dir, 'gallery.html');
  await writeFile(file, await (await fetch(page1)).text());
  const reference = await startServer(`node --import tsx ${join(import.meta.dirname, 'reference.ts')} ${file}`, {}, '/');
  try {
    for (const url of [reference.url, page1, deep]) await load(url, 16, 1);
    const quiet = { ref: [] as Load[], deep: [] as Load[] };
    for (let i = 0; i < b.runs; i++) {
      quiet.ref.push(await load(reference.url, connections, b.seconds));
      quiet.deep.push(await load(deep, connections, b.seconds));
    }
    const uploads = await startUploads(app.url, files);
    // The stream's first seconds are the app's first uploads (its upload path still cold, and
    // slower than 2 a second): page 1 is loaded under them unmeasured, so the runs below see the
    // stream as it keeps going. In trial runs, a measurement taken at once was the lowest of six
    // (0.46 and 0.51 of bare Hono, against 0.56 to 0.64 for the five after it).
    await load(page1, connections, b.seconds);
    const busy = { page1: [] as Load[], deep: [] as Load[] };
    /** Pages rendered while only the deep page was asked for (uploads render none): its cache misses. */
    const deepRenders: number[] = [];
    try {
      for (let i = 0; i < b.runs; i++) {
        busy.page1.push(await load(page1, connections, b.seconds));
        const before = await renders(app.url);
        busy.deep.push(await load(deep, connections, b.seconds));
        const after = await renders(app.url);
        if (before !== undefined) deepRenders.push(after! - before);
      }
    } finally {
      const { uploads: n, seconds } = await uploads.stop();
      report.record('uploads during the churn runs', stat([n / seconds]), 'img/s', { detail: `${n} public uploads in ${seconds.toFixed(0)} s` });
    }
    const rps = (l: Load[]) => stat(l.map((x) => x.rps));
    const p99 = (l: Load[]) => `p99 ${stat(l.map((x) => x.p99)).median} ms`;
    report.record(`gallery page 1 under 2 uploads/s, ${connections} conn.`, rps(busy.page1), 'req/s', { detail: p99(busy.page1) });
    report.record('gallery page 1 under uploads / bare Hono', stat(busy.page1.map((l, i) => l.rps / quiet.ref[i]!.rps)), 'ratio',
      { target: { text: '>= 0.5', check: (v) => v >= 0.5 } });
    report.record(`gallery deep page, quiet, ${connections} conn.`, rps(quiet.deep), 'req/s', { detail: p99(quiet.deep) });
    report.record(`gallery deep page under 2 uploads/s, ${connections} conn.`, rps(busy.deep), 'req/s', { detail: p99(busy.deep) });
    report.record('gallery deep page, under uploads / quiet', stat(busy.deep.map((l, i) => l.rps / quiet.deep[i]!.rps)), 'ratio',
      { target: { text: '>= 0.8', check: (v) => v >= 0.8 } });
    if (deepRenders.length) {
      report.record('gallery deep page under uploads, renders per load', stat(deepRenders), 'pages',
        { detail: `of ${stat(busy.deep.map((l) => l.done)).median} requests each`, target: { text: '0: served from the cache', check: (v) => v === 0 } });
    }
  } finally {
    await reference.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
