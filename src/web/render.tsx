import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv, Viewer } from './env.ts';
import { Page } from './layout.tsx';
import { wantsFragment } from './htmx.ts';
import { raw } from 'hono/html';
import { LRUCache } from 'lru-cache';
import { Buffer } from 'node:buffer';

const HOLE = '\u0000hole\u0000';

/**
 * Markup made once with a hole where its changing part goes (`make` is given the hole), as the
 * two strings either side of it: joined around that part on each use.
 */
export function around(make: (hole: Child) => Child): [string, string] {
  const html = `${<>{make(raw(HOLE))}</>}`;
  const at = html.lastIndexOf(HOLE);
  return [html.slice(0, at), html.slice(at + HOLE.length)];
}

// The layout around a page depends only on its title, its extra <head>, and the viewer's name
// and role: made once for each of those and reused, rather than made element by element on
// every request. A flash message is rendered in full.
const shells = new LRUCache<string, [string, string]>({ max: 500 });

function shellOf(title: string, user: Viewer | null, head: string) {
  const key = `${title}\u0000${user ? `${user.role}\u0000${user.username}` : ''}\u0000${head}`;
  let shell = shells.get(key);
  if (!shell) {
    shell = around((body) => <>{raw('<!DOCTYPE html>')}<Page title={title} user={user} head={head ? raw(head) : undefined}>{body}</Page></>);
    shells.set(key, shell);
  }
  return shell;
}

/** A child as the layout would write it (a fragment writes no number of its own). */
const htmlOf = (child: Child) => (typeof child === 'number' ? `${child}` : `${<>{child}</>}`);

/** The full page's HTML, with a doctype (Hono's JSX writes none). */
export function pageHtml(title: string, body: Child, user: Viewer | null = null, flash?: string, head?: Child) {
  if (flash) return `<!DOCTYPE html>${<Page title={title} user={user} flash={flash} head={head}>{body}</Page>}`;
  const [before, after] = shellOf(title, user, head == null || head === false ? '' : htmlOf(head));
  return `${before}${htmlOf(body)}${after}`;
}

/** The full page, for the request's user and flash message; the view alone when htmx asked. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
export function renderPage(c: Context<any>, title: string, body: Child, status: ContentfulStatusCode = 200, head?: Child) {
  return renderFor(c, { title, fragment: body, page: body, status, head });
}

/** `fragment` alone for htmx, otherwise the full page made of `page`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
export function renderFor(c: Context<any>, opts: { title: string; fragment: Child; page: Child; status?: ContentfulStatusCode; head?: Child }) {
  if (wantsFragment(c)) return sendHtml(c, `${opts.fragment}`, opts.status);
  const env = c as Context<AppEnv>;
  return sendHtml(c, pageHtml(opts.title, opts.page, env.get('user') ?? null, env.get('flash'), opts.head), opts.status);
}

/**
 * HTML sent as bytes. Given a string, Node joins it to the headers and copies the whole page once
 * more to write it; bytes go out beside the headers as they are (bench/HISTORY.md, "pages sent as bytes").
 */
export function sendHtml(c: Context, html: string, status: ContentfulStatusCode = 200) {
  return c.body(Buffer.from(html), status, { 'Content-Type': 'text/html; charset=UTF-8' });
}
