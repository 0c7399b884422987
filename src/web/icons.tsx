import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { escapeHtml } from './one-byte.ts';

/** The icons the pages use, by their Lucide names (lucide.dev/icons). */
export const ICONS = [
  'image', 'images', 'upload', 'download', 'trash-2', 'undo-2', 'settings', 'log-out', 'log-in', 'user-plus',
  'search', 'x', 'check', 'copy', 'link', 'globe', 'lock', 'chevron-left', 'chevron-right', 'maximize',
  'square-check', 'square', 'rotate-ccw', 'eye', 'eye-off', 'info', 'circle-alert', 'loader', 'layout-grid', 'share-2',
  'image-up', 'file', 'file-x', 'album', 'folder-plus', 'arrow-left', 'arrow-right', 'star', 'plus', 'file-archive',
  'shield', 'flag', 'users', 'ban', 'mail-plus', 'scroll-text', 'gauge',
] as const;
const STROKE = 'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"';
export type IconName = (typeof ICONS)[number];

/**
 * One SVG sprite of the icons above, built from the lucide-static package at start-up (nothing
 * copied by hand): pages point into it with `<use href="/static/icons.svg#name">`, so each icon
 * costs a few bytes of markup and the sprite is fetched once.
 */
export function iconSprite() {
  const dir = join(dirname(createRequire(import.meta.url).resolve('lucide-static/package.json')), 'icons');
  const symbols = ICONS.map((name) => {
    const svg = readFileSync(join(dir, `${name}.svg`), 'utf8');
    const inner = svg.slice(svg.indexOf('>', svg.indexOf('<svg')) + 1, svg.lastIndexOf('</svg>')).replace(/\s*\n\s*/g, '');
    // Presentation attributes on the symbol: they inherit into the copy <use> makes, where the
    // sprite's own style sheets would not reliably apply.
    return `<symbol id="${name}" viewBox="0 0 24 24" ${STROKE}>${inner}</symbol>`;
  });
  return '<svg xmlns="http://www.w3.org/2000/svg"><!-- Lucide icons (ISC): lucide.dev -->'
    + `${symbols.join('')}</svg>`;
}

const written = new Map<string, HtmlEscapedString>();

/**
 * An icon from the sprite; decorative (the control around it carries the name). Written once
 * for each name and class, as the markup JSX made: an `<svg>` element costs Hono's JSX a
 * namespace context of its own on every render.
 */
export function Icon({ name, class: cls }: { name: IconName; class?: string }) {
  const classes = cls ? `icon ${cls}` : 'icon';
  const key = `${name} ${classes}`;
  let svg = written.get(key);
  if (!svg) {
    svg = raw(`<svg class="${escapeHtml(classes)}" aria-hidden="true" width="20" height="20"><use href="/static/icons.svg#${name}"></use></svg>`);
    written.set(key, svg);
  }
  return svg;
}
