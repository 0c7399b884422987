import { SIZES } from './pipeline.ts';
import type { Variant } from './keys.ts';

type Hashes = { id: string; epoch: number } & Partial<Record<`${Variant}_hash`, string>>;

/** `?share=` carries an unlisted image's token on every URL of its page. */
function withQuery(path: string, query: Record<string, string | undefined>) {
  const q = Object.entries(query).filter(([, v]) => v !== undefined) as [string, string][];
  return q.length ? `${path}?${new URLSearchParams(q)}` : path;
}

export const imageUrl = (id: string, share?: string) => withQuery(`/images/${id}`, { share });
export const originalUrl = (id: string, download = false, share?: string) =>
  withQuery(`/images/${id}/original`, { download: download ? '1' : undefined, share });
/**
 * The URL of a derivative names its content, so it can be cached forever, and the image's
 * visibility epoch, so a public URL stops being used (and answers 404) once the image is withdrawn.
 */
export const variantUrl = (i: Hashes, variant: Variant, share?: string) =>
  withQuery(`/images/${i.id}/${variant}/${i[`${variant}_hash`]}-${i.epoch}.webp`, { share });

/** The display derivative's size: the image fitted inside the display box, never enlarged. */
export function displaySize(i: { width: number; height: number }) {
  const scale = Math.min(1, SIZES.display / Math.max(i.width, i.height));
  return { width: Math.max(1, Math.round(i.width * scale)), height: Math.max(1, Math.round(i.height * scale)) };
}
