import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stat } from './stats.ts';

export type Target = { text: string; check: (v: number) => boolean; structural?: boolean };
type Row = { name: string; value: Stat; unit: string; detail?: string; target?: string; pass?: boolean; enforced: boolean };

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));

/** The bench's table: printed as it fills, written as JSON, and judged against the targets. */
export function createReport(quick: boolean) {
  const rows: Row[] = [];
  return {
    /** Records a figure; a target applies to its median (only structural ones in quick mode). */
    record(name: string, value: Stat, unit: string, opts: { target?: Target; detail?: string } = {}) {
      const { target, detail } = opts;
      const pass = target?.check(value.median);
      rows.push({ name, value, unit, detail, target: target?.text, pass, enforced: !!target && (!quick || !!target.structural) });
      console.log(`${name.padEnd(46)} ${fmt(value.median).padStart(8)} ${unit.padEnd(6)} [${fmt(value.min)} .. ${fmt(value.max)}]`
        + `${detail ? `  ${detail}` : ''}${target ? `  target ${target.text}: ${pass ? 'ok' : 'MISSED'}` : ''}`);
    },
    async write(dir: string, meta: Record<string, unknown>) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), ...meta, rows }, null, 2)}\n`);
    },
    missed: () => rows.filter((r) => r.enforced && !r.pass).map((r) => `${r.name} (target ${r.target})`),
  };
}

export type Report = ReturnType<typeof createReport>;
