// `npm run bench [-- --quick]`: measures the running app against references taken in the same
// run, prints a table, writes bench/results/latest.json, and exits 1 when a target is missed.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appIngest, barePipeline } from './ingest.ts';
import { Client } from './lib/client.ts';
import { photos, totalBytes } from './lib/photos.ts';
import { startApp, type RunningApp } from './lib/server.ts';
import { repeat, stat, type Stat } from './lib/stats.ts';
import { pageBytes } from './wire.ts';

const quick = process.argv.includes('--quick');
const RUNS = 3;

type Row = { name: string; value: Stat; unit: string; target?: string; pass?: boolean; enforced: boolean };
const rows: Row[] = [];

/** Records a figure; `check` says whether its median meets the target. */
function record(name: string, value: Stat, unit: string, target?: { text: string; check: (v: number) => boolean; structural?: boolean }) {
  const pass = target?.check(value.median);
  rows.push({ name, value, unit, target: target?.text, pass, enforced: !!target && (!quick || !!target.structural) });
  const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));
  console.log(`${name.padEnd(44)} ${fmt(value.median).padStart(9)} ${unit.padEnd(8)} [${fmt(value.min)} .. ${fmt(value.max)}]${target ? `  target ${target.text}: ${pass ? 'ok' : 'MISSED'}` : ''}`);
}

const one = (v: number): Stat => ({ median: v, min: v, max: v });
const MB = 1024 * 1024;

async function main() {
  const env = { DATABASE_URL: process.env.DATABASE_URL ?? '', S3_BUCKET: process.env.S3_BUCKET ?? '' };
  const mode = `${env.DATABASE_URL ? 'PostgreSQL server' : 'embedded PostgreSQL'}, ${env.S3_BUCKET ? 'S3' : 'disk'}`;
  console.log(`benchmark (${quick ? 'quick' : 'full'}): ${mode}; median of ${RUNS} runs, [min .. max]\n`);

  const dataDir = await mkdtemp(join(tmpdir(), 'bench-data-'));
  let app: RunningApp | undefined;
  try {
    // Cold start: process start to the first 200 from /readyz (a fresh data dir, then a warm one).
    app = await startApp({ ...env, DATA_DIR: dataDir });
    record('cold start, new data dir', one(app.readyMs), 'ms');
    await app.stop();
    const starts: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      app = await startApp({ ...env, DATA_DIR: dataDir });
      starts.push(app.readyMs);
      if (i < RUNS - 1) await app.stop();
    }
    record('cold start, existing data dir', stat(starts), 'ms');

    // Ingest: real-size photos through HTTP vs the bare sharp pipeline on the same files.
    const count = quick ? 10 : 50;
    const files = await photos('photo', count, 4000, 3000, 88);
    const mb = (await totalBytes(files)) / MB;
    const bare = await repeat(RUNS, () => barePipeline(files));
    const viaApp = await repeat(RUNS, (i) => appIngest(app!, files, `ingest${i}`));
    record(`ingest ${count} x 12 MP JPEG (${(mb / count).toFixed(1)} MB avg), app`, { median: count / (viaApp.median / 1000), min: count / (viaApp.max / 1000), max: count / (viaApp.min / 1000) }, 'img/s');
    record('ingest throughput, app', one(mb / (viaApp.median / 1000)), 'MB/s');
    record('ingest throughput, bare sharp pipeline', one(count / (bare.median / 1000)), 'img/s');
    record('ingest: app / bare pipeline speed', one(bare.median / viaApp.median), 'ratio', { text: '>= 0.8', check: (v) => v >= 0.8 });

    // Bytes on the wire for one gallery page (HTML + every 1x thumbnail), 12 MP photos.
    const wire = await pageBytes(app.url);
    record(`gallery page bytes (${wire.images} images)`, one(wire.bytes / MB), 'MB',
      wire.images >= 48 ? { text: '< 2 MB for 48', check: (v) => v < 2 } : undefined);

    // Memory: peak resident growth over idle while 10 files of 20 MB arrive in one request.
    const big = await photos('big', 10, 7000, 5000, 93);
    const growth = await repeat(RUNS, async (i) => {
      await new Promise((r) => setTimeout(r, 500));
      const idle = await app!.rss();
      await app!.resetPeak();
      await new Client(app!.url).signup(`memory${i}`).then((u) => u.upload(big, 'private'));
      return ((await app!.peak()) - idle) / MB;
    });
    record(`upload 10 x ${((await totalBytes(big)) / 10 / MB).toFixed(0)} MB, peak RSS growth`, growth, 'MB',
      { text: '< 150 MB', check: (v) => v < 150, structural: true });
  } finally {
    await app?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }

  await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
  await writeFile(join(import.meta.dirname, 'results', 'latest.json'),
    `${JSON.stringify({ date: new Date().toISOString(), quick, rows }, null, 2)}\n`);
  const missed = rows.filter((r) => r.enforced && !r.pass);
  if (missed.length) {
    console.error(`\nMISSED: ${missed.map((r) => `${r.name} (target ${r.target})`).join('; ')}`);
    process.exit(1);
  }
  console.log('\nall enforced targets met');
}

await main();
