import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv, Viewer } from './env.ts';
import { Page } from './layout.tsx';
import { wantsFragment } from './htmx.ts';

/** The full page's HTML, with a doctype (Hono's JSX writes none). */
export function pageHtml(title: string, body: Child, user: Viewer | null = null, flash?: string, head?: Child) {
  return `<!DOCTYPE html>${<Page title={title} user={user} flash={flash} head={head}>{body}</Page>}`;
}

/** The full page, for the request's user and flash message; the view alone when htmx asked. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
export function renderPage(c: Context<any>, title: string, body: Child, status: ContentfulStatusCode = 200, head?: Child) {
  return renderFor(c, { title, fragment: body, page: body, status, head });
}

/** `fragment` alone for htmx, otherwise the full page made of `page`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
export function renderFor(c: Context<any>, opts: { title: string; fragment: Child; page: Child; status?: ContentfulStatusCode; head?: Child }) {
  if (wantsFragment(c)) return c.html(`${opts.fragment}`, opts.status ?? 200);
  const env = c as Context<AppEnv>;
  return c.html(pageHtml(opts.title, opts.page, env.get('user') ?? null, env.get('flash'), opts.head), opts.status ?? 200);
}
