// A page with one character above U+00FF is a two-byte string in V8, twice the size of the
// same page in one byte per character. Past 128 KB (a dashboard page of 48 tiles is about 89K
// characters) V8 copies it into a large object each time Node measures it for Content-Length
// and writes it: the dashboard answered 230 to 300 req/s instead of 450 to 590 for the "…" of
// its bulk menu, or for one emoji in one title. So what the lists write (their own words and
// their users') stays within U+00FF: wider characters as numeric references, which read the same
// in text and attribute values, all a page of ours holds (no inline script or style).
import { Buffer } from 'node:buffer';
import { raw } from 'hono/html';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SPECIAL = /[&<>'"]|[^\0-\xff]/u;
const WIDE = /[^\0-\xff]/u;

/** Hono's escaping (the same five characters), and every character above U+00FF as `&#n;`. */
export function escapeHtml(s: string) {
  if (!SPECIAL.test(s)) return s;
  const escaped = s.replace(/[&<>'"]|[^\0-\xff]/gu, (ch) => ESCAPES[ch] ?? `&#${ch.codePointAt(0)};`);
  // What is cut from a two-byte string stays two-byte in V8, whatever it holds: made one-byte again.
  return WIDE.test(s) ? Buffer.from(escaped, 'latin1').toString('latin1') : escaped;
}

/** A user's words as JSX takes them already escaped (a child, or an attribute's value). */
export const oneByte = (s: string) => raw(escapeHtml(s));

/** "…", for a page's own words. */
export const ELLIPSIS = raw('&#8230;');
