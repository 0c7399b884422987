// postgres.js makes every sql`` (each fragment of a query too) a Query: a Promise subclass with
// Symbol.species. Unpatched (3.4.9), each one also kept two closures over its promise's functions,
// and V8 then kept every query (its fragments, and the rows it resolved with) alive through the
// young generation's collections until the next full one: a search page moved about 60 KB to the
// old generation per request, and the uncached pages served 12 to 30 % fewer requests (bench/HISTORY.md,
// "What kept the queries alive"). patches/ fixes the module the app imports; this holds it to
// that, counting what V8 says it promoted while queries are made and dropped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

// 200,000 queries of three fragments each, built and dropped as requests do (none is run: nothing
// connects), with the event loop turning between them.
const SCRIPT = `
import postgres from 'postgres';
const sql = postgres({ host: '127.0.0.1', port: 9, max: 1 });
const ids = Array.from({ length: 64 }, (_, n) => 'image-' + n);
for (let i = 0; i < 200000; i++) {
  const query = sql\`select \${sql\`id\`} from images where \${sql\`id = \${ids[i % 64]}\`}\`;
  if (typeof query.then !== 'function') throw new Error('not a query');
  if (i % 10 === 0) await new Promise((r) => setImmediate(r));
}
`;

/** What V8's young-generation collections did, summed over a --trace-gc-nvp trace. */
function scavenges(trace: string) {
  const lines = trace.split('\n').filter((line) => /\bgc=s\b/.test(line));
  const sum = (field: string) => lines.reduce((n, line) => n + Number(line.match(new RegExp(`\\b${field}=(\\d+)`))?.[1] ?? NaN), 0);
  return { collections: lines.length, allocated: sum('allocated'), promoted: sum('promoted') };
}

test("postgres.js's queries die young: dropped, they are not moved to the old generation", async () => {
  const child = spawn(process.execPath, ['--trace-gc-nvp', '--input-type=module', '-e', SCRIPT], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let trace = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { trace += chunk; });
  const code = await new Promise((resolve) => child.once('close', resolve));
  assert.equal(code, 0);
  const { collections, allocated, promoted } = scavenges(trace);
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  // The queries fill the young generation many times over.
  assert.ok(collections >= 20 && allocated > 100 * 1024 * 1024, `${collections} collections, ${mb(allocated)} allocated`);
  // Unpatched, about two thirds of it was promoted (about 260 MB); patched, about 1 MB (0.3 %).
  assert.ok(promoted < 0.05 * allocated, `${mb(promoted)} of ${mb(allocated)} promoted`);
});

// The same queries, with V8 reporting its optimizing compilations. Unpatched, its class declared
// Symbol.species with a getter, and TurboFan threw away each compilation of the Query constructor
// (and of every function that makes queries: sql, unsafe, the app's own) as it finished ("Bailed
// out due to dependency change"), then compiled it again: about 500 times in this script, 2 to
// 10 ms of a helper thread each. In the app, that was a quarter of its CPU on a search page
// (bench/HISTORY.md, "What building a query costs"). Patched (a data property), none.
test("making postgres.js's queries does not keep V8 compiling them again", async () => {
  const child = spawn(process.execPath, ['--trace-opt', '--input-type=module', '-e', SCRIPT], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let trace = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { trace += chunk; });
  assert.equal(await new Promise((resolve) => child.once('close', resolve)), 0);
  const lines = trace.split('\n');
  const of = (outcome: string) => lines.filter((line) => line.startsWith(`[${outcome} optimizing `) && /<JSFunction (Query|sql|unsafe) /.test(line));
  assert.ok(of('completed').some((line) => line.includes('<JSFunction Query ')), 'the Query constructor is optimized');
  assert.ok(of('aborted').length <= 5, `${of('aborted').length} compilations thrown away:\n${of('aborted').slice(0, 3).join('\n')}`);
});

