import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser, signedIn } from '../auth/middleware.ts';
import { missingImages } from './missing.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { flash } from '../web/flash.ts';
import { showAgain } from '../web/forms.tsx';
import { findImage, type LinkExpiry, updateDetails, updateVisibility } from './images.sql.ts';
import { listParams, readContext } from './list-context.ts';
import { imageUrl } from './urls.ts';
import { hiddenMessage, type FailedEdit } from './views.tsx';
import { mustBeVerifiedFor } from '../recovery/sharing.ts';

const detailsSchema = z.object({
  title: z.string().trim().max(200, 'A title is at most 200 characters').default(''),
  caption: z.string().trim().max(2000, 'A caption is at most 2,000 characters').default(''),
  alt_text: z.string().trim().max(500, 'Alt text is at most 500 characters').default(''),
});

const visibilitySchema = z.object({
  visibility: z.enum(['public', 'private', 'unlisted'], 'Choose who can see the image'),
  expires: z.enum(['keep', 'never', '1', '7', '30'], 'Choose when the link expires').default('keep')
    .transform((e): LinkExpiry => (e === 'keep' || e === 'never' ? e : { days: Number(e) })),
});

/** Why a hidden image or album keeps only its owner as its audience. */
type ImagePage = (c: Context<AppEnv>, failed?: FailedEdit) => Promise<Response>;

/**
 * The owner's changes to an image: texts, visibility and its share link; others get 404. A
 * refused form comes back on the image's page (`imagePage`), its values kept.
 */
export function imageEditRoutes({ sql, config }: Deps, imagePage: ImagePage) {
  const app = new Hono<AppEnv>();
  const refused = (form: FailedEdit['form']) =>
    showAgain<Record<string, string>>((c, failed) => imagePage(c as Context<AppEnv>, { form, ...failed }));
  /**
   * Back to the image's page with `message`, at the section just saved and with the list it was
   * opened from (so previous / next stay); NotFound when the image is not the user's, InTrash
   * when it is in their trash.
   */
  const done = async (c: Context<AppEnv>, changed: boolean, message: string, section: string) => {
    if (!changed) throw await missingImages(sql, signedIn(c).user.id, [c.req.param('id')!]);
    flash(c, message);
    const ctx = readContext(c.req.query());
    return c.redirect(`${imageUrl(c.req.param('id')!)}${ctx ? `?${listParams(ctx)}` : ''}#${section}`, 303);
  };

  /**
   * The moderator's reason when the user's image is hidden, else false. Checked before the
   * update, not in it: an image hidden in between stays withheld whatever its visibility says.
   */
  async function hiddenOwned(id: string, userId: string) {
    const image = await findImage(sql, id);
    return image?.user_id === userId && image.hidden_at ? image.hidden_reason : false;
  }

  app.post('/images/:id/details', requireUser, zValidator('form', detailsSchema, refused('details')), async (c) => {
    const changed = await updateDetails(sql, c.req.param('id'), signedIn(c).user.id, c.req.valid('form'));
    return done(c, changed, 'Details saved.', 'details');
  });

  app.post('/images/:id/visibility', requireUser, zValidator('form', visibilitySchema, refused('visibility')), async (c) => {
    const { visibility, expires } = c.req.valid('form');
    const held = visibility !== 'private' && (await hiddenOwned(c.req.param('id'), signedIn(c).user.id));
    if (held !== false) {
      return imagePage(c, { form: 'visibility', errors: { visibility: hiddenMessage(held) }, values: { visibility } });
    }
    await mustBeVerifiedFor({ sql, config }, signedIn(c).user.id, visibility);
    // 160 random bits: the link is the only key to an unlisted image. Used only when the image
    // has no live link: saving the form again must not break links already shared.
    const change = visibility === 'unlisted' ? { visibility, expires, fresh: randomBytes(20).toString('base64url') } : { visibility };
    const result = await updateVisibility(sql, c.req.param('id'), signedIn(c).user.id, change);
    const message = visibility !== 'unlisted' ? `The image is now ${visibility}.`
      : result?.kept ? 'Saved; the share link is unchanged.' : 'A share link was made: copy it below.';
    return done(c, !!result, message, 'visibility');
  });

  app.post('/images/:id/share/revoke', requireUser, async (c) => {
    const changed = await updateVisibility(sql, c.req.param('id'), signedIn(c).user.id, { visibility: 'private' });
    return done(c, !!changed, 'The share link was revoked; the image is private.', 'visibility');
  });

  return app;
}
