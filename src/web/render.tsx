import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv, Viewer } from './env.ts';
import { Page } from './layout.tsx';
import { wantsFragment } from './htmx.ts';

/** The full page's HTML, with a doctype (Hono's JSX writes none). */
export function pageHtml(title: string, body: Child, user: Viewer | null = null, flash?: string) {
  return `<!DOCTYPE html>${<Page title={title} user={user} flash={flash}>{body}</Page>}`;
}

/** The full page, for the request's user and flash message. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
export function renderPage(c: Context<any>, title: string, body: Child, status: ContentfulStatusCode = 200) {
  return c.html(pageHtml(title, body, (c as Context<AppEnv>).get('user') ?? null, (c as Context<AppEnv>).get('flash')), status);
}

/** `fragment` alone for htmx, otherwise the full page made of `page`. */
export function renderFor(
  c: Context<AppEnv>,
  opts: { title: string; fragment: Child; page: Child; status?: ContentfulStatusCode },
) {
  if (wantsFragment(c)) return c.html(`${opts.fragment}`, opts.status ?? 200);
  return renderPage(c, opts.title, opts.page, opts.status);
}
