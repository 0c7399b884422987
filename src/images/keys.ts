import { cleanFormat, type ImageFormat } from './pipeline.ts';

export type KeyParts = { id: string; format: ImageFormat; thumb_hash: string; thumb2x_hash: string; display_hash: string };
/** The columns of an image row that name its objects (`select ${sql(KEY_COLUMNS)} ...`). */
export const KEY_COLUMNS = ['id', 'format', 'thumb_hash', 'thumb2x_hash', 'display_hash'] as const;

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
    clean: `${dir}/clean.${cleanFormat(i.format)}`,
    thumb: `${dir}/thumb-${i.thumb_hash}.webp`,
    thumb2x: `${dir}/thumb2x-${i.thumb2x_hash}.webp`,
    display: `${dir}/display-${i.display_hash}.webp`,
  };
}

export const allKeys = (i: KeyParts) => Object.values(objectKeys(i));

/** The image id in one of its keys (`images/<id>/...`). */
export const imageIdOf = (key: string) => key.split('/')[1]!;
