import type { Storage } from '../storage/storage.ts';

type Keys = { original_key: string; thumb_key: string; display_key: string };

/** Removes every object of the given images; failures are logged, not thrown. */
export async function deleteObjects(storage: Storage, images: Keys[]) {
  const keys = images.flatMap((i) => [i.original_key, i.thumb_key, i.display_key]);
  const results = await Promise.allSettled(keys.map((k) => storage.delete(k)));
  results.forEach((r, i) => r.status === 'rejected' && console.error(`storage: could not delete ${keys[i]}`, r.reason));
}
