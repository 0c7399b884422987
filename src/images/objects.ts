import type { Storage } from '../storage/storage.ts';

/** Removes the given objects; failures are logged, not thrown. */
export async function deleteObjects(storage: Storage, keys: string[]) {
  const results = await Promise.allSettled(keys.map((k) => storage.delete(k)));
  results.forEach((r, i) => r.status === 'rejected' && console.error(`storage: could not delete ${keys[i]}`, r.reason));
}
