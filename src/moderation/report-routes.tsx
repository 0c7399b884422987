import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { hit } from '../auth/throttle.sql.ts';
import { maySee } from '../images/access.ts';
import { findImage } from '../images/images.sql.ts';
import { titleOf } from '../images/names.ts';
import { imageUrl } from '../images/urls.ts';
import { REPORT_REASONS, ReportForm, type ReportReason } from '../images/views.tsx';
import { findAlbum, findMember } from '../albums/albums.sql.ts';
import { albumUrl } from '../albums/urls.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { NotFound, RateLimited, SignedOut } from '../web/errors.tsx';
import { flash } from '../web/flash.ts';
import { fieldErrors } from '../web/forms.tsx';
import { wantsFragment } from '../web/htmx.ts';
import { randomId } from '../web/ids.ts';
import { renderPage } from '../web/render.tsx';
import { fileReport, type Item } from './reports.sql.ts';

/** Reports one person may send in an hour: plenty for real use, too few to flood the admins. */
export const REPORTS_PER_HOUR = 20;
const HOUR_MS = 60 * 60_000;

const reportSchema = z.object({
  reason: z.enum(Object.keys(REPORT_REASONS) as [ReportReason, ...ReportReason[]], 'Choose a reason'),
  details: z.string().trim().max(1000, 'Details are at most 1,000 characters').default(''),
}).refine((r) => r.reason !== 'other' || r.details !== '', { path: ['details'], message: 'Say what is wrong with it' });

/** What is reported: the item and its title. */
type Target = { item: Item; title: string };

/** The page the report was sent from (with the link it was seen through, an album's or a share token). */
function pageOf(c: Context<AppEnv>, kind: Item['kind']) {
  const [id, share, album] = [c.req.param('id')!, c.req.query('share'), c.req.query('album')];
  return kind === 'album' ? albumUrl(id, share) : imageUrl(id, { album, share });
}

/**
 * Reports of images and albums by people who may see them and do not own them; anyone else gets
 * exactly what a missing one gets.
 */
export function reportRoutes({ sql }: Deps) {
  const app = new Hono<AppEnv>();

  /** The image if the user may see it (itself, or through an album that shows it) and it is not theirs. */
  async function reportableImage(c: Context<AppEnv>, userId: string): Promise<Target | undefined> {
    const [id, share, albumId] = [c.req.param('id')!, c.req.query('share'), c.req.query('album')];
    if (albumId) {
      const album = await findAlbum(sql, albumId);
      const image = album && maySee(album, userId, share) ? await findMember(sql, album.id, id) : undefined;
      if (!image || image.user_id === userId) return undefined;
      return { item: { kind: 'image', id }, title: titleOf(image) };
    }
    const image = await findImage(sql, id);
    if (!image || image.user_id === userId || !maySee(image, userId, share)) return undefined;
    return { item: { kind: 'image', id }, title: titleOf(image) };
  }

  async function reportableAlbum(c: Context<AppEnv>, userId: string): Promise<Target | undefined> {
    const [id, share] = [c.req.param('id')!, c.req.query('share')];
    const album = await findAlbum(sql, id);
    if (!album || album.user_id === userId || !maySee(album, userId, share)) return undefined;
    return { item: { kind: 'album', id }, title: album.title };
  }

  /**
   * Files the signed-in user's report on what `find` gives: counted first (a probe of ids counts
   * too), then 404 / the form again (422) / one open report per person and item.
   */
  async function report(c: Context<AppEnv>, kind: Item['kind'], find: (c: Context<AppEnv>, userId: string) => Promise<Target | undefined>) {
    const user = c.get('user');
    if (!user) {
      // Seen signed out, the form leads to logging in and back to the page.
      if (wantsFragment(c)) throw new SignedOut();
      return c.redirect(`/login?next=${encodeURIComponent(pageOf(c, kind))}`, 303);
    }
    const { hits, retry_after } = await hit(sql, `report:account:${user.id}`, HOUR_MS);
    if (hits > REPORTS_PER_HOUR) throw new RateLimited('You have sent many reports in a short time', retry_after);
    const target = await find(c, user.id);
    if (!target) throw new NotFound();
    const sent = await c.req.parseBody();
    const form = reportSchema.safeParse(sent);
    if (!form.success) {
      const url = new URL(c.req.url);
      const failed = { errors: fieldErrors(form.error), values: { reason: String(sent.reason ?? ''), details: String(sent.details ?? '') } };
      const view = <ReportForm action={url.pathname + url.search} what={kind} failed={failed} />;
      if (wantsFragment(c)) return c.html(`${view}`, 422);
      return renderPage(c, 'Report', <section class="narrow"><h1>Report “{target.title}”</h1>{view}</section>, 422);
    }
    const filed = await fileReport(sql, { id: randomId(), item: target.item, reporterId: user.id, ...form.data });
    const message = filed ? 'Thanks, the report was sent to the admins.'
      : `You already reported this ${kind}; the admins have not looked at it yet.`;
    if (wantsFragment(c)) return c.html(`${<p class="report-sent" role="status">{message}</p>}`);
    flash(c, message);
    return c.redirect(pageOf(c, kind), 303);
  }

  app.post('/images/:id{[\\w-]{1,64}}/report', (c) => report(c, 'image', reportableImage));
  app.post('/albums/:id{[\\w-]{1,64}}/report', (c) => report(c, 'album', reportableAlbum));
  return app;
}
