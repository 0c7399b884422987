import { readSettings } from '../instance/settings.sql.ts';
import { Hono } from 'hono';
import { z } from 'zod';
import { zValidator } from '@hono/zod-validator';
import { maySee } from '../images/access.ts';
import { findImage } from '../images/images.sql.ts';
import { newestPublic } from '../images/list.sql.ts';
import { titleOf } from '../images/names.ts';
import { displaySize, variantUrl, type ImageLink } from '../images/urls.ts';
import type { Variant } from '../images/keys.ts';
import { albumCover, findAlbum, findMember } from '../albums/albums.sql.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { BadRequest, HttpError, NotFound } from '../web/errors.tsx';
import { originOf } from '../web/origin.ts';
import { SITE_NAME } from '../web/preview.tsx';

const query = z.object({
  url: z.string().max(2000),
  format: z.string().default('json'),
  maxwidth: z.coerce.number().int().positive().optional(),
  maxheight: z.coerce.number().int().positive().optional(),
});

/** oEmbed's answer for a format it does not offer (only JSON here). */
class NotImplemented extends HttpError {
  constructor() {
    super(501, 'Only format=json is offered.');
  }
}

type Shown = { id: string; width: number; height: number; epoch: number } & Record<`${Variant}_hash`, string>;

/** The largest derivative within the consumer's maximum size, with its size; none when even the smallest is larger. */
function fitting(image: Shown, max: { maxwidth?: number; maxheight?: number }) {
  return (['display', 'thumb2x', 'thumb'] as const)
    .map((variant) => ({ variant, ...displaySize(image, variant) }))
    .find((s) => s.width <= (max.maxwidth ?? Infinity) && s.height <= (max.maxheight ?? Infinity));
}

/**
 * `GET /oembed?url=<page>&format=json` (oEmbed 1.0, type `photo`): what a site needs to embed an
 * image page or album page of ours. It answers as a visitor without an account would be
 * answered, whoever asks: only public items and share links (the token in `url`); anything
 * else is 404, exactly like a missing one.
 */
export function oembedRoutes({ sql, config }: Deps) {
  const app = new Hono<AppEnv>();

  /** The item a page URL of ours names, if a visitor with that URL may see it: what to embed, its link, title and owner. */
  async function resolve(page: URL) {
    const share = page.searchParams.get('share') ?? undefined;
    const username = page.pathname.match(/^\/u\/([A-Za-z0-9_-]{3,32})$/)?.[1];
    if (username) {
      // A profile is a list: for members only while the admin keeps the gallery to them.
      if (!(await readSettings(sql)).gallery_public) return undefined;
      const [newest] = await newestPublic(sql, { username }, 1);
      return newest && { image: newest, link: {}, title: `Images of ${newest.username}`, author: newest.username, cache: true };
    }
    const [, kind, id, sub, imageId] = page.pathname.match(/^\/(images|albums)\/([\w-]{1,64})(?:\/(images)\/([\w-]{1,64}))?$/) ?? [];
    if (kind === 'images' && id && !sub) {
      const image = await findImage(sql, id);
      if (!image || !maySee(image, undefined, share)) return undefined;
      return { image, link: { share } as ImageLink, title: titleOf(image), author: image.username, cache: image.visibility === 'public' };
    }
    const album = kind === 'albums' && id ? await findAlbum(sql, id) : undefined;
    if (!album || !maySee(album, undefined, share)) return undefined;
    const image = sub ? await findMember(sql, album.id, imageId!) : await albumCover(sql, album);
    if (!image) return undefined;
    return { image, link: { album: album.id, share }, title: sub ? titleOf(image) : album.title, author: album.username, cache: false };
  }

  app.get('/oembed', zValidator('query', query, (r) => {
    if (!r.success) throw new BadRequest('Give the page to embed as url=, with format=json.');
  }), async (c) => {
    const q = c.req.valid('query');
    if (q.format !== 'json') throw new NotImplemented();
    const origin = originOf(c, config.publicUrl);
    const page = URL.canParse(q.url) ? new URL(q.url) : undefined;
    if (!page || page.origin !== origin) throw new NotFound();
    const found = await resolve(page);
    if (!found) throw new NotFound();
    // oEmbed: nothing larger than asked for; when nothing fits, there is no answer.
    const size = fitting(found.image, q);
    if (!size) throw new NotFound();
    return c.json({
      version: '1.0',
      type: 'photo',
      title: found.title,
      url: `${origin}${variantUrl(found.image, size.variant, found.link)}`,
      width: size.width,
      height: size.height,
      author_name: found.author,
      author_url: `${origin}/u/${found.author}`,
      provider_name: SITE_NAME,
      provider_url: `${origin}/`,
    }, 200, {
      'Access-Control-Allow-Origin': '*',
      // A shared item can lose its audience at any moment: only public ones may be kept for a while.
      'Cache-Control': found.cache ? 'public, max-age=300' : 'private, no-cache',
    });
  });

  return app;
}
