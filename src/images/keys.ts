import type { ImageFormat } from './pipeline.ts';

export type KeyParts = { id: string; format: ImageFormat; thumb_hash: string; thumb2x_hash: string; display_hash: string };

export const VARIANTS = ['thumb', 'thumb2x', 'display'] as const;
export type Variant = (typeof VARIANTS)[number];

/**
 * Where each object of an image lives. Every part is server-generated (random id, content
 * hashes), never taken from the user, and all keys of an image share the prefix `images/<id>/`.
 */
export function objectKeys(i: KeyParts) {
  const dir = `images/${i.id}`;
  return {
    original: `${dir}/original`,
    clean: `${dir}/clean.${i.format}`,
    thumb: `${dir}/thumb-${i.thumb_hash}.webp`,
    thumb2x: `${dir}/thumb2x-${i.thumb2x_hash}.webp`,
    display: `${dir}/display-${i.display_hash}.webp`,
  };
}

export const allKeys = (i: KeyParts) => Object.values(objectKeys(i));
