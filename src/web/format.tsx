import { raw } from 'hono/html';

/**
 * "…" as a character reference. A page's own words stay within U+00FF, so a page is a one-byte
 * string in V8: with one wider character, a page past 64K characters (the dashboard) is copied
 * into a large object each time Node measures and writes it, and the dashboard answered 230 to
 * 260 req/s instead of 480 to 580. Tiles write users' words the same way (images/grid.tsx).
 */
export const ELLIPSIS = raw('&#8230;');

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
