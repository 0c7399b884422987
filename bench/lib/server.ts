import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { freePort } from '../../src/test-support/ports.ts';

async function procStatus(pid: number, field: 'VmRSS' | 'VmHWM') {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))![1]) * 1024;
}

/** CPU time the process has used, user and system, in ms (Linux /proc; 100 ticks a second). */
async function procCpuMs(pid: number) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export type RunningApp = Awaited<ReturnType<typeof startServer>>;

/**
 * Starts the app as users do (`npm start`, or `npm run start:deno`) with `env`; resolves
 * once /readyz answers 200, with the time that took and the process's memory readings.
 */
export async function startApp(env: Record<string, string>, runtime: 'node' | 'deno' = 'node') {
  // Exactly what `npm start` runs.
  const scripts = JSON.parse(await readFile('package.json', 'utf8')).scripts;
  return startServer(scripts[runtime === 'deno' ? 'start:deno' : 'start'], env, '/readyz');
}

/** Runs `command` with PORT set (`exec`: the server itself is the child whose memory we read). */
export async function startServer(command: string, env: Record<string, string>, readyPath: string) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('sh', ['-c', `exec ${command}`], { env: { ...process.env, PATH: `node_modules/.bin:${process.env.PATH}`, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}`);
    const ok = await fetch(`${url}${readyPath}`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - started;
  const pid = child.pid!;
  return {
    url,
    readyMs,
    rss: () => procStatus(pid, 'VmRSS'),
    peak: () => procStatus(pid, 'VmHWM'),
    cpuMs: () => procCpuMs(pid),
    /** Starts a new peak measurement from the current resident size (Linux clear_refs). */
    resetPeak: () => writeFile(`/proc/${pid}/clear_refs`, '5'),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
