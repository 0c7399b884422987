/** 1536 -> "1.5 KB". */
export function formatBytes(n: number) {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** A date as "2026-11-24 07:05 UTC": the same for every visitor, no client script needed. */
export function formatDate(d: Date) {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A date people read in their own time zone: UTC in the markup (right without JavaScript), and
 * static/app.js rewrites each `<time data-local>` in the reader's zone and language.
 */
export function LocalTime({ date }: { date: Date }) {
  return <time datetime={date.toISOString()} data-local>{formatDate(date)}</time>;
}

/** 1 -> "1 image", 3 -> "3 images". */
export const plural = (n: number) => `${n} image${n === 1 ? '' : 's'}`;
