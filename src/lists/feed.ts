import { Feed } from 'feed';
import type { FeedImage } from '../images/list.sql.ts';
import { altOf, titleOf } from '../images/names.ts';
import { displaySize, imageUrl, variantUrl } from '../images/urls.ts';
import { escapeHtml } from '../web/escape.ts';
import { SITE_NAME } from '../web/preview.tsx';

export const FEED_ENTRIES = 50;
export const ATOM_TYPE = 'application/atom+xml; charset=utf-8';

// Characters XML 1.0 does not allow at all, even escaped: one in a caption would break the feed.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * The owner's words as the HTML the feed's `title`, `summary` and `content` hold (the `feed`
 * package marks them `type="html"`): escaped, so a reader shows them as text, never as markup.
 */
const html = (s: string) => escapeHtml(s.replace(NOT_XML, ''));

/**
 * An Atom feed (RFC 4287) of public images, newest first: each entry links to the image's page
 * and shows its display derivative and caption (never anything of the camera's). `page` and
 * `self` are paths of the list's page and of the feed itself.
 */
export function atomFeed(origin: string, f: { title: string; page: string; self: string; images: FeedImage[] }) {
  const feed = new Feed({
    id: `${origin}${f.self}`,
    title: `${f.title} · ${SITE_NAME}`,
    link: `${origin}${f.page}`,
    feedLinks: { atom: `${origin}${f.self}` },
    // An empty feed has nothing newer than this: a fixed date keeps its bytes the same.
    updated: f.images[0]?.created_at ?? new Date(0),
    generator: SITE_NAME,
    favicon: `${origin}/static/favicon.svg`,
  });
  for (const i of f.images) {
    const link = `${origin}${imageUrl(i.id)}`;
    const src = `${origin}${variantUrl(i, 'display', {})}`;
    const { width, height } = displaySize(i);
    const caption = i.caption && `<p>${html(i.caption)}</p>`;
    feed.addItem({
      id: link,
      title: html(titleOf(i)),
      link,
      date: i.created_at,
      published: i.created_at,
      author: [{ name: i.username, link: `${origin}/u/${i.username}` }],
      content: `<p><a href="${link}"><img src="${src}" alt="${html(altOf(i))}" width="${width}" height="${height}"></a></p>${caption}`,
      ...(i.caption && { description: html(i.caption) }),
      image: { url: src, type: 'image/webp' },
    });
  }
  return feed.atom1();
}
