import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase } from './harness.ts';
import { freePort } from './ports.ts';
import { TestClient } from './client.ts';
import { seedEmbeddedDatabase } from './embedded-template.ts';

const running = new Set<ChildProcess>();

/** Kills every app still running: call it in `after`, or a failed test never exits. */
export function killAll() {
  for (const c of running) c.kill('SIGKILL');
}

/**
 * A data folder for the apps a test spawns, and their database: one on the server under
 * TEST_DATABASE_URL, otherwise each app's embedded one in the folder. `env` is what `spawnApp`
 * needs of it; `close` kills every app and removes both.
 */
export async function appFolder(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const serverDb = process.env.TEST_DATABASE_URL ? await openTestDatabase(join(dir, 'pg')) : undefined;
  return {
    dir,
    databaseUrl: serverDb?.url,
    env: { DATA_DIR: dir, DATABASE_URL: serverDb?.url ?? '' },
    async close() {
      killAll();
      await serverDb?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type AppProcess = { url: string; child: ChildProcess; stop(signal?: NodeJS.Signals): Promise<void> };

/** The Deno binary of the `deno` npm package: its `bin` wrapper would not pass signals on. */
const denoBinary = () => createRequire(import.meta.url)('deno/install_api.cjs').runInstall() as string;

/**
 * Runs `src/main.ts` in its own process (as `npm start` does, or `npm run start:deno`) and waits
 * until it is ready.
 */
export async function spawnApp(env: Record<string, string>, args: string[] = [], runtime: 'node' | 'deno' = 'node'): Promise<AppProcess> {
  if (env.DATA_DIR && !env.DATABASE_URL) await seedEmbeddedDatabase(env.DATA_DIR);
  const port = await freePort();
  const [command, ...runArgs] = runtime === 'deno' ? [denoBinary(), 'run', '-A'] : [process.execPath, '--import', 'tsx'];
  const child = spawn(command!, [...runArgs, 'src/main.ts', ...args], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await once(child, 'exit');
  };
  if (args.length) {
    await once(child, 'exit');
    if (child.exitCode !== 0) throw new Error(`main.ts ${args.join(' ')} failed:\n${output}`);
    return { url, child, stop, output } as AppProcess & { output: string };
  }
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${url}/readyz`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the app did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, child, stop };
}

/** Signs up `username` on a running app; returns the session's Cookie header. */
export async function signUpOver(url: string, username: string) {
  return (await new TestClient({ url }).signup(username)).cookieHeader;
}
