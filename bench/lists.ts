import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sql } from '../src/db/client.ts';
import { listKeys, type Cursor } from '../src/images/list.sql.ts';
import { PAGE_SIZE } from '../src/lists/routes.tsx';
import { load, walkPages, type Load, type LoadOptions } from './lib/load.ts';
import type { Report } from './lib/report.ts';
import { startServer, type RunningApp } from './lib/server.ts';
import { stat } from './lib/stats.ts';

export type ListBench = { runs: number; seconds: number; connections: number[] };

const MB = 1024 * 1024;
/** Load on each URL first (a second unless told), so both servers are measured with their code optimised. */
const warmUp = async (urls: string[], opts?: LoadOptions, seconds = 1) => {
  for (const url of urls) await load(url, 16, seconds, opts);
};
/** `measure` on both URLs in turn; which goes first changes with run `i`, so a drifting machine favours neither. */
async function alternate(i: number, [a, b]: string[], measure: (url: string) => Promise<Load>) {
  if (i % 2) {
    const later = await measure(b!);
    return [await measure(a!), later];
  }
  const earlier = await measure(a!);
  return [earlier, await measure(b!)];
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

/**
 * The gallery's list query alone, in the database: page 1 against the page `depth` pages in
 * (keyset pagination should make them cost the same). Served pages come from the page cache, so
 * this is where the query's depth shows.
 */
export async function queryAtDepth(report: Report, sql: Sql, b: ListBench, depth: number) {
  const list = (cursor?: Cursor) => listKeys(sql, { scope: { public: true }, sort: 'newest', cursor, limit: PAGE_SIZE });
  let cursor: Cursor | undefined;
  for (let i = 0; i < depth; i++) {
    const rows = await list(cursor);
    const last = rows[PAGE_SIZE - 1]!;
    cursor = { key: last.key!, id: last.id };
  }
  // Each run alternates the two queries 100 times and keeps the median time of each.
  const timed = async (c?: Cursor) => {
    const started = performance.now();
    await list(c);
    return performance.now() - started;
  };
  const first: number[] = [];
  const deep: number[] = [];
  for (let i = 0; i < b.runs; i++) {
    const [f, d]: number[][] = [[], []];
    for (let j = 0; j < 100; j++) {
      f.push(await timed());
      d.push(await timed(cursor));
    }
    first.push(stat(f).median);
    deep.push(stat(d).median);
  }
  report.record('gallery query, page 1', stat(first), 'ms');
  report.record(`gallery query, page ${depth + 1}`, stat(deep), 'ms');
  report.record('gallery query, deep / first time', stat(deep.map((d, i) => d / first[i]!)), 'ratio',
    { target: { text: '<= 1.2', check: (v) => v <= 1.2 } });
}

/**
 * Page 1 of a list against a page `depth` pages in (reached by following its links): req/s and
 * latency of each at every connection count, and the deep/first ratio of mean latency (a load's
 * mean comes from its rate: lib/load.ts).
 */
export async function firstVsDeep(report: Report, app: RunningApp, b: ListBench, list: { name: string; path: string; depth: number; headers?: Record<string, string> }) {
  const pages = await walkPages(app.url, list.path, list.depth, list.headers);
  const urls = [`${app.url}${list.path}`, `${app.url}${pages.at(-1)}`];
  const opts = { headers: list.headers };
  await warmUp(urls, opts);
  for (const connections of b.connections) {
    const runs: Load[][] = [];
    for (let i = 0; i < b.runs; i++) {
      runs.push(await alternate(i, urls, (url) => load(url, connections, b.seconds, opts)));
    }
    // A run in which no request was answered within the window has no latency: said, and left out of the ratio.
    const silent = (l: Load) => l.done === 0;
    for (const [at, label] of [[0, 'page 1'], [1, `page ${list.depth + 1}`]] as const) {
      const r = runs.map((run) => run[at]!);
      const timed = r.filter((x) => !silent(x));
      const median = (pick: (l: Load) => number) => ms(stat(timed.map(pick)).median);
      const none = r.length - timed.length;
      const latency = timed.length ? `mean ${median((x) => x.mean)}, p50 ${median((x) => x.p50)}, p99 ${median((x) => x.p99)}` : 'no latency';
      report.record(`${list.name}, ${label}, ${connections} conn.`, stat(r.map((x) => x.rps)), 'req/s',
        { detail: `${latency}${none ? ` (${none} of ${r.length} runs: no answer within ${b.seconds} s)` : ''}` });
    }
    const ratios = runs.filter(([f, d]) => !silent(f!) && !silent(d!)).map(([f, d]) => d!.mean / f!.mean);
    report.record(`${list.name}, deep / first latency, ${connections} conn.`,
      ratios.length ? stat(ratios) : stat([NaN]), 'ratio',
      { detail: ratios.length < runs.length ? `of ${ratios.length} runs with answers on both pages` : undefined,
        target: { text: '<= 1.2', check: (v) => v <= 1.2 } });
  }
  return pages;
}

/** /gallery against a bare Hono server answering with the same HTML from memory. */
export async function renderOverhead(report: Report, app: RunningApp, b: ListBench, enforce: boolean) {
  const connections = Math.max(...b.connections);
  const dir = await mkdtemp(join(tmpdir(), 'bench-reference-'));
  const file = join(dir, 'gallery.html');
  await writeFile(file, await (await fetch(`${app.url}/gallery`)).text());
  const reference = await startServer(`node --import tsx ${join(import.meta.dirname, 'reference.ts')} ${file}`, {}, '/');
  try {
    await warmUp([reference.url, `${app.url}/gallery`]);
    const ratios: number[] = [];
    const refs: number[] = [];
    for (let i = 0; i < b.runs; i++) {
      const [ref, real] = await alternate(i, [reference.url, `${app.url}/gallery`], (url) => load(url, connections, b.seconds));
      refs.push(ref.rps);
      ratios.push(real.rps / ref.rps);
    }
    report.record(`bare Hono, same HTML from memory, ${connections} conn.`, stat(refs), 'req/s');
    report.record('gallery / bare Hono requests per second', stat(ratios), 'ratio',
      enforce ? { target: { text: '>= 0.5', check: (v) => v >= 0.5 } } : { detail: 'target >= 0.5 applies on a PostgreSQL server' });
  } finally {
    await reference.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Peak RSS growth over idle while 64 clients load gallery pages, each walking through `paths`
 * (every page down to the deep one): renders, cache fills and evictions, not only cache hits.
 */
export async function servingMemory(report: Report, app: RunningApp, b: ListBench, paths: string[]) {
  const growth: number[] = [];
  for (let i = 0; i < b.runs; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const idle = await app.rss();
    await app.resetPeak();
    await load(app.url, 64, b.seconds, { paths });
    growth.push(((await app.peak()) - idle) / MB);
  }
  report.record('64 concurrent gallery requests, peak RSS growth', stat(growth), 'MB',
    { target: { text: '< 100 MB', check: (v) => v < 100 } });
}

/** A page no cache serves, as one kind of visitor sees it. */
export type UncachedPage = { name: string; path: string; headers?: Record<string, string> };

/**
 * Pages that cannot come from the page cache (a signed-in dashboard, a search, an album), each
 * against a bare Hono server answering with that same page's HTML from memory: the app's share
 * of the framework's ceiling, and its p99, at 16 connections.
 */
export async function uncachedPages(report: Report, app: RunningApp, b: ListBench, pages: UncachedPage[]) {
  const connections = 16;
  const dir = await mkdtemp(join(tmpdir(), 'bench-reference-'));
  try {
    for (const page of pages) {
      const url = `${app.url}${page.path}`;
      const file = join(dir, 'page.html');
      const res = await fetch(url, { headers: page.headers });
      if (res.status !== 200) throw new Error(`${page.path}: ${res.status}`);
      await writeFile(file, await res.text());
      const reference = await startServer(`node --import tsx ${join(import.meta.dirname, 'reference.ts')} ${file}`, {}, '/');
      try {
        const opts = { headers: page.headers };
        // A page's code keeps getting faster for thousands of requests (the dashboard's CPU per
        // request fell from 7.3 to 4.2 ms over 40 s of load): a search, first requested here,
        // is warmed as long as one measurement lasts.
        await warmUp([reference.url, url], opts, b.seconds);
        const ratios: number[] = [];
        const real: Load[] = [];
        for (let i = 0; i < b.runs; i++) {
          const [ref, served] = await alternate(i, [reference.url, url], (u) => load(u, connections, b.seconds, opts));
          ratios.push(served!.rps / ref!.rps);
          real.push(served!);
        }
        const median = (pick: (l: Load) => number) => ms(stat(real.map(pick)).median);
        report.record(`${page.name}, ${connections} conn.`, stat(real.map((l) => l.rps)), 'req/s',
          { detail: `mean ${median((l) => l.mean)}, p50 ${median((l) => l.p50)}` });
        report.record(`${page.name} / bare Hono requests per second`, stat(ratios), 'ratio',
          { target: { text: '>= 0.15', check: (v) => v >= 0.15 } });
        report.record(`${page.name}, p99 at ${connections} conn.`, stat(real.map((l) => l.p99)), 'ms',
          { target: { text: '< 50 ms', check: (v) => v < 50 } });
      } finally {
        await reference.stop();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
