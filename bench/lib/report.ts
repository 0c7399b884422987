import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stat } from './stats.ts';

export type Target = { text: string; check: (v: number) => boolean };
type Row = { name: string; value: Stat; unit: string; detail?: string; target?: string; pass?: boolean; enforced: boolean };

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));

/**
 * The bench's table: printed as it fills, written as JSON, and judged against the targets. With
 * `enforce` off (--quick: a tenth of the data on a shared CI machine, where timing ratios are noise)
 * targets are still checked and shown, but a miss fails nothing.
 */
export function createReport(enforce: boolean) {
  const rows: Row[] = [];
  const missed = enforce ? 'MISSED' : 'missed (not enforced in --quick)';
  return {
    /** Records a figure; a target applies to its median. */
    record(name: string, value: Stat, unit: string, opts: { target?: Target; detail?: string } = {}) {
      const { target, detail } = opts;
      const pass = target?.check(value.median);
      rows.push({ name, value, unit, detail, target: target?.text, pass, enforced: !!target && enforce });
      console.log(`${name.padEnd(46)} ${fmt(value.median).padStart(8)} ${unit.padEnd(6)} [${fmt(value.min)} .. ${fmt(value.max)}]`
        + `${detail ? `  ${detail}` : ''}${target ? `  target ${target.text}: ${pass ? 'ok' : missed}` : ''}`);
    },
    async write(dir: string, meta: Record<string, unknown>) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), ...meta, rows }, null, 2)}\n`);
    },
    /** Targets missed, enforced or not. */
    missed: () => rows.filter((r) => r.target && !r.pass).map((r) => `${r.name} (target ${r.target})`),
  };
}

export type Report = ReturnType<typeof createReport>;
