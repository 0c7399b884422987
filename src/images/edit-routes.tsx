import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser } from '../auth/middleware.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { updateDetails, updateVisibility } from './images.sql.ts';
import { imageUrl } from './urls.ts';
import { flash } from '../web/flash.ts';

const detailsSchema = z.object({
  title: z.string().trim().max(200).default(''),
  caption: z.string().trim().max(2000).default(''),
  alt_text: z.string().trim().max(500).default(''),
});

const visibilitySchema = z.object({
  visibility: z.enum(['public', 'private', 'unlisted']),
  expires: z.enum(['never', '1', '7', '30']).default('never'),
});

const invalid = (r: { success: boolean }, c: { text: (t: string, s: 422) => Response }) => {
  if (!r.success) return c.text('Invalid form', 422);
};

/** The owner's changes to an image: texts, visibility and its share link. Others get 404. */
export function imageEditRoutes({ sql }: Deps) {
  const app = new Hono<AppEnv>();

  app.post('/images/:id/details', requireUser, zValidator('form', detailsSchema, invalid), async (c) => {
    const ok = await updateDetails(sql, c.req.param('id'), c.get('user')!.id, c.req.valid('form'));
    if (ok) flash(c, 'Details saved.');
    return ok ? c.redirect(imageUrl(c.req.param('id')), 303) : c.notFound();
  });

  app.post('/images/:id/visibility', requireUser, zValidator('form', visibilitySchema, invalid), async (c) => {
    const { visibility, expires } = c.req.valid('form');
    const unlisted = visibility === 'unlisted';
    const ok = await updateVisibility(sql, c.req.param('id'), c.get('user')!.id, {
      visibility,
      // 160 random bits: the link is the only key to an unlisted image.
      token: unlisted ? randomBytes(20).toString('base64url') : null,
      expiresAt: unlisted && expires !== 'never' ? new Date(Date.now() + Number(expires) * 86_400_000) : null,
    });
    if (ok) flash(c, unlisted ? 'A new share link was made; any older link no longer works.' : `The image is now ${visibility}.`);
    return ok ? c.redirect(imageUrl(c.req.param('id')), 303) : c.notFound();
  });

  app.post('/images/:id/share/revoke', requireUser, async (c) => {
    const ok = await updateVisibility(sql, c.req.param('id'), c.get('user')!.id, { visibility: 'private', token: null, expiresAt: null });
    if (ok) flash(c, 'The share link was revoked; the image is private.');
    return ok ? c.redirect(imageUrl(c.req.param('id')), 303) : c.notFound();
  });

  return app;
}
