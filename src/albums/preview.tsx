import { anyoneWith } from '../images/access.ts';
import { cardImage, EmbedBox, embedCodes } from '../images/embed.tsx';
import { directUrl, displaySize } from '../images/urls.ts';
import type { ImageRow } from '../images/images.sql.ts';
import { cardText, PreviewTags } from '../web/preview.tsx';
import type { Album } from './albums.sql.ts';
import { albumUrl } from './urls.ts';

const COVER_FIELDS = ['id', 'epoch', 'display_hash', 'width', 'height'] as const;
/** What an album's page shows of its cover (its banner, link preview and embed codes). */
export type Cover = Pick<ImageRow, (typeof COVER_FIELDS)[number]>;
/** Those fields as a key: the same key, the same markup. */
export const coverKey = (cover?: Cover) => cover && COVER_FIELDS.map((f) => cover[f]).join('/');

/**
 * An album anyone may see (public, or through its live link): its link preview (the cover as
 * the card's image) and its links and embed codes (the cover, linked to the album). Undefined for
 * a private album.
 */
export function albumPreview(album: Album, cover: Cover | undefined, origin: string) {
  const open = anyoneWith(album);
  if (!open) return undefined;
  const link = { album: album.id, ...open };
  const url = `${origin}${albumUrl(album.id, open.share)}`;
  const codes = cover && embedCodes(url, `${origin}${directUrl(cover.id, link)}`, { ...displaySize(cover), alt: album.title });
  return {
    head: (
      <PreviewTags preview={{
        title: album.title,
        description: cardText(album.description),
        url,
        image: cover && cardImage(cover, link, origin, album.title),
      }} />
    ),
    embed: codes && <EmbedBox codes={codes} prefix="album-embed" />,
  };
}
