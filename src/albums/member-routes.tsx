import { Hono, type Context } from 'hono';
import { anyoneWith, maySee } from '../images/access.ts';
import { imageBytesRoutes, type Found } from '../images/bytes.ts';
import { ImagePreview } from '../images/embed.tsx';
import { originOf } from '../web/origin.ts';
import { imageUrl } from '../images/urls.ts';
import { ImagePage } from '../images/views.tsx';
import { titleOf } from '../images/names.ts';
import { zipEntries, zipResponse } from '../images/zip.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { NotFound } from '../web/errors.tsx';
import { Icon } from '../web/icons.tsx';
import { renderPage } from '../web/render.tsx';
import { albumNeighbours, albumZipRows, findMember, type Album } from './albums.sql.ts';
import { albumChoices } from './members.sql.ts';
import { ImageAlbums } from './membership-views.tsx';
import { albumUrl } from './urls.ts';

type VisibleAlbum = (c: Context<AppEnv>, id: string) => Promise<{ album: Album; isOwner: boolean }>;

/**
 * What an album's audience reaches through it: each image's page (previous / next within the
 * album), its derivatives and its metadata-free copy, and the whole album as a zip. Only under
 * the album's URLs, checked against the album on every request, so removing the image, deleting
 * the album, revoking its link or making it private ends the access at the next request; and
 * nothing of a member is ever cached where that check could not run (see `cache`).
 */
export function albumMemberRoutes(deps: Deps, visibleAlbum: VisibleAlbum) {
  const { sql, storage, config } = deps;
  const app = new Hono<AppEnv>();

  async function member(c: Context<AppEnv>) {
    const { album, isOwner } = await visibleAlbum(c, c.req.param('album')!);
    const image = await findMember(sql, album.id, c.req.param('id')!);
    if (!image) throw new NotFound();
    const share = isOwner ? undefined : c.req.query('share');
    // Whoever reaches it through the album, their browser asks every time (an ETag answers 304).
    const embeddable = maySee(album, undefined, c.req.query('share'));
    const found: Found & { image: typeof image } = { image, isOwner, cache: 'revalidate', embeddable };
    return { album, share, ...found };
  }

  app.get('/albums/:album{[\\w-]{1,64}}/images/:id{[\\w-]{1,64}}', async (c) => {
    const { album, image, isOwner, share } = await member(c);
    const link = { album: album.id, share };
    const { prev, next } = await albumNeighbours(sql, album, image);
    const href = (id?: string) => id && imageUrl(id, link);
    const crumb = <a class="crumb" href={albumUrl(album.id, share)}><Icon name="album" /> {album.title}</a>;
    const back = imageUrl(image.id, link);
    const aside = isOwner && <ImageAlbums imageId={image.id} choices={await albumChoices(sql, album.user_id, image.id)} back={back} />;
    if (!isOwner) c.header('Cache-Control', 'private, no-cache');
    const origin = originOf(c, config.publicUrl);
    const open = anyoneWith(album);
    const anyone = open && { album: album.id, ...open };
    const page = <ImagePage image={image} isOwner={isOwner} link={link} origin={origin} around={{ prev: href(prev), next: href(next) }}
      crumb={crumb} aside={aside} anyone={anyone} signedIn={!!c.get('user')} />;
    const head = anyone && <ImagePreview image={image} link={anyone} origin={origin} />;
    return renderPage(c, titleOf(image), page, 200, head);
  });

  app.route('/albums/:album{[\\w-]{1,64}}/images', imageBytesRoutes(deps, member));

  // Everything in the album the requester may see: originals for the owner, clean copies for others.
  app.get('/albums/:id{[\\w-]{1,64}}/download', async (c) => {
    const { album } = await visibleAlbum(c, c.req.param('id'));
    const entries = zipEntries(await albumZipRows(sql, album), c.get('user')?.id);
    return zipResponse(storage, entries, { filename: `${album.title}.zip`, maxBytes: config.zipMaxBytes, log: c.get('log'), cleanCopies: deps });
  });

  return app;
}
