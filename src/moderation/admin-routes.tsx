import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin.ts';
import { signedIn } from '../auth/middleware.ts';
import { objectKeys } from '../images/keys.ts';
import { serveObject } from '../images/serve.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { BadRequest, Invalid, NotFound } from '../web/errors.tsx';
import { flash } from '../web/flash.ts';
import { wantsFragment } from '../web/htmx.ts';
import { renderPage } from '../web/render.tsx';
import { moderate, type Action } from './actions.ts';
import { hiddenItems, moderatedThumb, openItems, type ItemCursor, type Kind } from './reports.sql.ts';
import { ActedOn, ReportsPage, type Show } from './views.tsx';

const PAGE_SIZE = 30;

const pageQuery = z.object({
  show: z.enum(['open', 'hidden']).default('open'),
  before: z.string().max(200).optional(),
});
const actionForm = z.object({
  show: z.enum(['open', 'hidden']).default('open'),
  reason: z.string().trim().max(200, 'A reason is at most 200 characters').default(''),
  purge: z.literal('1').optional(),
});

/** A page cursor: the last item's time and `kind:id`, in base64url. */
const encodeCursor = (c: ItemCursor) => Buffer.from(`${c.ts}|${c.key}`).toString('base64url');
function decodeCursor(s: string): ItemCursor | undefined {
  const [ts, key] = Buffer.from(s, 'base64url').toString().split('|');
  if (!ts || !key || Number.isNaN(Date.parse(ts)) || !/^(image|album):[\w-]{1,64}$/.test(key)) return undefined;
  return { ts, key };
}

/** What each action says once done, by what it acted on. */
const DONE: Record<Action, (what: string, reports: number) => string> = {
  hide: (what) => `Hid the ${what}; its owner sees why.`,
  unhide: (what) => `The ${what} is shown again as its owner left it.`,
  dismiss: (what, n) => `Dismissed ${n} ${n === 1 ? 'report' : 'reports'} of the ${what}.`,
  delete: (what) => (what === 'image' ? 'Moved the image to its owner\'s trash.' : 'Deleted the album; its images stay.'),
  purge: () => 'Deleted the image for good.',
};

/**
 * The admin's reports (/admin/reports): what was reported, per item, and what was hidden; each
 * action a POST that writes the audit log. For anyone but an admin every URL here is a 404.
 */
export function adminReportRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use('/admin/reports', requireAdmin);
  app.use('/admin/reports/*', requireAdmin);

  app.get('/admin/reports', async (c) => {
    const q = pageQuery.safeParse(c.req.query());
    const cursor = q.data?.before ? decodeCursor(q.data.before) : undefined;
    if (!q.success || (q.data.before && !cursor)) throw new BadRequest('This page link is not valid: it may have been cut off or edited.');
    const show: Show = q.data.show;
    const rows = await (show === 'open' ? openItems : hiddenItems)(deps.sql, cursor, PAGE_SIZE);
    const items = rows.slice(0, PAGE_SIZE);
    const last = items.at(-1);
    const next = rows.length > PAGE_SIZE && last
      ? `/admin/reports?${new URLSearchParams({ ...(show === 'hidden' && { show }), before: encodeCursor({ ts: last.ts, key: `${last.kind}:${last.id}` }) })}`
      : undefined;
    return renderPage(c, 'Reports', <ReportsPage items={items} show={show} next={next} />);
  });

  // Thumbnails of what admins moderate: the item's own URLs answer them 404 once it is hidden.
  app.get('/admin/reports/thumbs/:id{[\\w-]{1,64}}', async (c) => {
    const image = await moderatedThumb(deps.sql, c.req.param('id'));
    if (!image) throw new NotFound();
    return serveObject(c, deps.storage, {
      key: objectKeys(image).thumb, contentType: 'image/webp', etag: `"${image.thumb_hash}"`, cacheControl: 'private, no-cache',
    });
  });

  async function act(c: Context<AppEnv>, kind: Kind, action: Exclude<Action, 'purge'>) {
    const form = actionForm.safeParse(await c.req.parseBody());
    if (!form.success) throw new Invalid({ reason: form.error.issues[0]?.message });
    const { show, reason, purge } = form.data;
    if (action === 'hide' && !reason) throw new Invalid({ reason: 'Give the reason its owner will read.' });
    // An album is only ever deleted; without a trash (TRASH_DAYS=0) an image's delete is for good, as its owner's are.
    const done = action === 'delete' && kind === 'image' && (purge || deps.config.trashDays === 0) ? 'purge' : action;
    const detail = action === 'hide' ? reason : done === 'purge' ? 'deleted for good' : action === 'delete' && kind === 'image' ? 'moved to its owner\'s trash' : '';
    const outcome = await moderate(deps, signedIn(c).user, { kind, id: c.req.param('id')! }, done, detail);
    if (!outcome) throw new NotFound();
    const message = DONE[done](kind, outcome.reports);
    if (wantsFragment(c)) return c.html(`${<ActedOn message={message} />}`);
    flash(c, message);
    return c.redirect(show === 'hidden' ? '/admin/reports?show=hidden' : '/admin/reports', 303);
  }

  for (const kind of ['image', 'album'] as const) {
    for (const action of ['hide', 'unhide', 'delete', 'dismiss'] as const) {
      app.post(`/admin/reports/${kind}s/:id{[\\w-]{1,64}}/${action}`, (c) => act(c, kind, action));
    }
  }
  return app;
}
