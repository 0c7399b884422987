import { raw } from 'hono/html';
import { escapeHtml } from './one-byte.ts';
/**
 * What a link to a page shows where it is pasted (Open Graph and Twitter cards) and, when it has
 * an image, how it is embedded (oEmbed discovery). Only for what anyone holding the link may see:
 * a private page carries none of it. Every URL is absolute.
 */
export type Preview = {
  title: string;
  description?: string;
  /** The page's canonical URL. */
  url: string;
  image?: { url: string; width: number; height: number; alt: string };
};

export const SITE_NAME = 'Image Repository';

const tag = (name: 'meta' | 'link', attrs: [string, string][]) => `<${name}${attrs.map(([a, v]) => ` ${a}="${escapeHtml(v)}"`).join('')}/>`;
const meta = (kind: 'property' | 'name', key: string, content: string) => tag('meta', [[kind, key], ['content', content]]);

/**
 * The `<head>` tags of a preview. Written as a string (the markup JSX made): outside the
 * `<head>` element, Hono's JSX takes every `<meta>` and `<link>` for one to hoist into it.
 */
export function PreviewTags({ preview: p }: { preview: Preview }) {
  const oembed = p.image && `${new URL(p.url).origin}/oembed?${new URLSearchParams({ url: p.url, format: 'json' })}`;
  const i = p.image;
  return raw(tag('link', [['rel', 'canonical'], ['href', p.url]])
    + meta('property', 'og:site_name', SITE_NAME)
    + meta('property', 'og:type', 'website')
    + meta('property', 'og:title', p.title)
    + (p.description ? meta('property', 'og:description', p.description) : '')
    + meta('property', 'og:url', p.url)
    + (i ? meta('property', 'og:image', i.url) + meta('property', 'og:image:type', 'image/webp')
      + meta('property', 'og:image:width', String(i.width)) + meta('property', 'og:image:height', String(i.height))
      + meta('property', 'og:image:alt', i.alt) + meta('name', 'twitter:image', i.url) + meta('name', 'twitter:image:alt', i.alt) : '')
    + meta('name', 'twitter:card', i ? 'summary_large_image' : 'summary')
    + meta('name', 'twitter:title', p.title)
    + (p.description ? meta('name', 'twitter:description', p.description) : '')
    + (oembed ? tag('link', [['rel', 'alternate'], ['type', 'application/json+oembed'], ['href', oembed], ['title', p.title]]) : ''));
}

/** A description fit for a card: one line, at most 300 characters. */
export function cardText(text: string) {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line || undefined;
}
