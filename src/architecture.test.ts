import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Lowest first. A folder not named here is a feature (lists, upload, account, ...) at FEATURE.
const FEATURE = 4;
// Albums sit between images and the features that offer them (upload, the dashboard's lists).
// Mail is a service like storage. The ways to prove who you are (a reset or verification link, a
// second factor, a passkey) sit on auth, under everything that asks whether an account may act.
// The upload pipeline sits under the ways to upload: its own form and the API.
// Metrics and logs (ops) sit under the web layer and every feature that counts or logs.
const LAYERS: Record<string, number> = {
  config: 0, db: 0, storage: 0, mail: 0.5, ops: 0.75, web: 1, instance: 1.5, auth: 2, recovery: 2.5, 'two-factor': 2.5, passkeys: 2.5, images: 3, albums: 3.5, account: 3.75, upload: 3.9, app: 9,
};
// Folders that may import only these folders or files, whatever their layer.
const ONLY: Record<string, string[]> = {
  janitor: ['config', 'db', 'storage', 'images/keys.ts'],
  health: ['config', 'db', 'storage', 'web'],
};

const SRC = dirname(fileURLToPath(import.meta.url));
// Static, type-only, re-export, side-effect and dynamic forms; package specifiers do not start with '.'.
const SPECIFIER = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.\.?\/[^'"]+)['"]/g;

/** `images` for src/images/x.ts; files directly in src/ are `app`, except config.ts. */
function folderOf(file: string) {
  const parts = file.split('/');
  if (parts.length > 1) return parts[0];
  return file === 'config.ts' ? 'config' : 'app';
}

/** Every relative import of every non-test source file, as paths relative to src/. */
function readImports() {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split('\\').join('/'))
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.startsWith('test-support/'))
    .sort();
  return files.flatMap((from) =>
    [...readFileSync(join(SRC, from), 'utf8').matchAll(SPECIFIER)].map((m) => ({
      from,
      to: relative(SRC, join(SRC, dirname(from), m[1])).split('\\').join('/'),
    })),
  );
}

/** Which rule an import between two folders breaks, if any. */
function brokenRule(from: string, to: string) {
  const [a, b] = [folderOf(from), folderOf(to)];
  if (a === b || a === 'app') return undefined;
  if (ONLY[a]) return ONLY[a].includes(b) || ONLY[a].includes(to) ? undefined : `${a} may import only ${ONLY[a].join(', ')}`;
  const [la, lb] = [LAYERS[a] ?? FEATURE, LAYERS[b] ?? FEATURE];
  if (lb > la) return 'a lower layer imports a higher one';
  if (lb === la && la === FEATURE) return 'a feature imports another feature';
  return undefined;
}

/** The shortest cycle through each folder edge that has one, named from its first folder: `images -> lists -> images`. */
function folderCycles(edges: [string, string][]) {
  const next = new Map<string, string[]>();
  for (const [a, b] of edges) next.set(a, [...new Set([...(next.get(a) ?? []), b])].sort());
  const cycles = new Set<string>();
  for (const [a, b] of edges) {
    // Shortest way back from b to a, breadth first so the cycle named is the simplest one.
    const cameFrom = new Map<string, string>([[b, b]]);
    for (const queue = [b]; queue.length && !cameFrom.has(a); ) {
      const f = queue.shift()!;
      for (const n of next.get(f) ?? []) if (!cameFrom.has(n)) (cameFrom.set(n, f), queue.push(n));
    }
    if (!cameFrom.has(a)) continue;
    const path = [a];
    while (path[0] !== b) path.unshift(cameFrom.get(path[0])!);
    const loop = [a, ...path.slice(0, -1)];
    const start = loop.indexOf([...loop].sort()[0]);
    const turned = [...loop.slice(start), ...loop.slice(0, start)];
    cycles.add([...turned, turned[0]].join(' -> '));
  }
  return [...cycles].sort();
}

const imports = readImports();

test('no folder imports a higher layer, a sibling feature or outside its allow-list', () => {
  const byRule = new Map<string, string[]>();
  for (const { from, to } of imports) {
    const rule = brokenRule(from, to);
    if (rule) byRule.set(rule, [...(byRule.get(rule) ?? []), `  src/${from} -> src/${to}`]);
  }
  const report = [...byRule].map(([rule, lines]) => `${rule}:\n${lines.join('\n')}`).join('\n');
  assert.equal(byRule.size, 0, `Imports against the layering (config/db/storage < web < auth < images < features):\n${report}`);
});

test('feature folders import each other one way only (no cycles)', () => {
  const edges = imports
    .map(({ from, to }): [string, string] => [folderOf(from), folderOf(to)])
    .filter(([a, b]) => a !== b);
  const cycles = folderCycles(edges);
  assert.equal(cycles.length, 0, `Folder cycles:\n${cycles.join('\n')}`);
});
