export type Stat = { median: number; min: number; max: number };

export function stat(values: number[]): Stat {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s[s.length - 1]! };
}

/** Runs `fn` `times` times, one after the other. */
export async function repeat(times: number, fn: (i: number) => Promise<number>) {
  const out: number[] = [];
  for (let i = 0; i < times; i++) out.push(await fn(i));
  return stat(out);
}

export const one = (v: number): Stat => ({ median: v, min: v, max: v });
