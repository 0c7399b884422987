import { SIZES } from './pipeline.ts';
import type { Variant } from './keys.ts';

type Hashes = { id: string; epoch: number } & Partial<Record<`${Variant}_hash`, string>>;

/**
 * Where an image's URLs live: under its own `/images/<id>`, or under an album that shows it
 * (`/albums/<album>/images/<id>`: the album's audience reaches it only there), with the share
 * token of an unlisted image or album on every URL of the page.
 */
export type ImageLink = { album?: string; share?: string };

const pathOf = (id: string, link?: ImageLink) => `${link?.album ? `/albums/${link.album}` : ''}/images/${id}`;

function withQuery(path: string, query: Record<string, string | undefined>) {
  const q = Object.entries(query).filter(([, v]) => v !== undefined) as [string, string][];
  return q.length ? `${path}?${new URLSearchParams(q)}` : path;
}

export const imageUrl = (id: string, link?: ImageLink) => withQuery(pathOf(id, link), { share: link?.share });
export const originalUrl = (id: string, download = false, link?: ImageLink) =>
  withQuery(`${pathOf(id, link)}/original`, { download: download ? '1' : undefined, share: link?.share });
/**
 * The URL of a derivative names its content, so it can be cached forever, and the image's
 * visibility epoch, so a public URL stops being used (and answers 404) once the image is withdrawn.
 */
export const variantUrl = (i: Hashes, variant: Variant, link?: ImageLink) =>
  withQuery(`${pathOf(i.id, link)}/${variant}/${i[`${variant}_hash`]}-${i.epoch}.webp`, { share: link?.share });

/**
 * The same URLs for the many images of one list under one link, its query string made once
 * rather than once per URL (a grid's tiles: a URLSearchParams each was a measurable share of a page).
 */
export function linkUrls(link?: ImageLink) {
  const share = link?.share ? `${new URLSearchParams({ share: link.share })}` : '';
  const query = share && `?${share}`;
  return {
    image: (id: string) => `${pathOf(id, link)}${query}`,
    download: (id: string) => `${pathOf(id, link)}/original?download=1${share && `&${share}`}`,
    variant: (i: Hashes, variant: Variant) => `${pathOf(i.id, link)}/${variant}/${i[`${variant}_hash`]}-${i.epoch}.webp${query}`,
  };
}

/**
 * The image's direct link for embedding elsewhere: it serves whatever display derivative the
 * image has now, so it outlives a re-encoding (the hashed `variantUrl` names one version).
 */
export const directUrl = (id: string, link?: ImageLink) => withQuery(`${pathOf(id, link)}/display.webp`, { share: link?.share });

/** A derivative's size (the display one's by default): the image fitted inside its box, never enlarged. */
export function displaySize(i: { width: number; height: number }, variant: Variant = 'display') {
  const scale = Math.min(1, SIZES[variant] / Math.max(i.width, i.height));
  return { width: Math.max(1, Math.round(i.width * scale)), height: Math.max(1, Math.round(i.height * scale)) };
}
