import { escapeHtml } from '../web/escape.ts';
import { Icon } from '../web/icons.tsx';
import { cardText, PreviewTags } from '../web/preview.tsx';
import { altOf, titleOf } from './names.ts';
import { directUrl, displaySize, imageUrl, variantUrl, type ImageLink } from './urls.ts';
import type { ImageRow } from './images.sql.ts';

type Shown = Pick<ImageRow, 'id' | 'title' | 'filename' | 'alt_text' | 'caption' | 'width' | 'height' | 'epoch' | 'display_hash'>;

const escapeMarkdown = (s: string) => s.replace(/\s+/g, ' ').replace(/[\\[\]]/g, '\\$&');

/** What the share box offers to copy: the page, the image itself, and the image as Markdown, HTML and BBCode. */
export function embedCodes(page: string, direct: string, image: { alt: string; width: number; height: number }) {
  return {
    page,
    direct,
    markdown: `![${escapeMarkdown(image.alt)}](${direct})`,
    html: `<img src="${escapeHtml(direct)}" alt="${escapeHtml(image.alt)}" width="${image.width}" height="${image.height}">`,
    bbcode: `[url=${page}][img]${direct}[/img][/url]`,
  };
}

/** Each code's label, and its Copy button's name. */
const LABELS = {
  page: ['Page link', 'Copy page link'],
  direct: ['Direct link', 'Copy direct link'],
  markdown: ['Markdown', 'Copy Markdown'],
  html: ['HTML', 'Copy HTML'],
  bbcode: ['BBCode', 'Copy BBCode'],
} as const;

/** The codes of an image anyone may see through `link` (its own URLs or an album's, with a share token if it needs one). */
export function imageCodes(image: Shown, link: ImageLink, origin: string) {
  const alt = altOf(image);
  return embedCodes(`${origin}${imageUrl(image.id, link)}`, `${origin}${directUrl(image.id, link)}`, { alt, ...displaySize(image) });
}

/**
 * Copy fields for each code: without JavaScript, read-only text to select; with it, a Copy
 * button beside each (static/app.js). `prefix` keeps the ids of two boxes on one page apart.
 */
export function EmbedBox({ codes, prefix = 'embed', open = false }: { codes: ReturnType<typeof embedCodes>; prefix?: string; open?: boolean }) {
  return (
    <details class="embed" open={open}>
      <summary><Icon name="share-2" /> Share and embed</summary>
      {(Object.keys(LABELS) as (keyof typeof LABELS)[]).map((k) => (
        <div class="copy-field">
          <label for={`${prefix}-${k}`}>{LABELS[k][0]}</label>
          <div class="copy-row">
            <input id={`${prefix}-${k}`} type="text" readonly value={codes[k]} spellcheck={false} />
            <button type="button" class="secondary" data-copy={`${prefix}-${k}`} aria-label={LABELS[k][1]} hidden>
              <Icon name="copy" /> Copy
            </button>
          </div>
        </div>
      ))}
    </details>
  );
}

/** A link preview's image: the display derivative reached through `link`, absolute, with its size. */
export function cardImage(image: Pick<Shown, 'id' | 'epoch' | 'display_hash' | 'width' | 'height'>, link: ImageLink, origin: string, alt: string) {
  return { url: `${origin}${variantUrl(image, 'display', link)}`, ...displaySize(image), alt };
}

/** The link preview of an image anyone may see through `link`: its title, caption and display derivative. */
export function ImagePreview({ image, link, origin }: { image: Shown; link: ImageLink; origin: string }) {
  return (
    <PreviewTags preview={{
      title: titleOf(image),
      description: cardText(image.caption),
      url: `${origin}${imageUrl(image.id, link)}`,
      image: cardImage(image, link, origin, altOf(image)),
    }} />
  );
}
