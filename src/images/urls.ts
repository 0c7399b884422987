import type { Variant } from './keys.ts';

type Hashes = { id: string } & Partial<Record<`${Variant}_hash`, string>>;

export const imageUrl = (id: string) => `/images/${id}`;
export const originalUrl = (id: string, download = false) => `/images/${id}/original${download ? '?download=1' : ''}`;
/** The URL of a derivative names its content, so it can be cached forever. */
export const variantUrl = (i: Hashes, variant: Variant) => `/images/${i.id}/${variant}/${i[`${variant}_hash`]}.webp`;
