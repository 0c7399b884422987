import { Worker } from 'node:worker_threads';

/** A HEIC's primary image as RGBA pixels, and how many images the file holds. */
export type DecodedHeic = { width: number; height: number; alpha: boolean; images: number; pixels: Buffer };

/**
 * Decodes the HEIC file at `path` with libheif (WebAssembly, from npm: the prebuilt libvips has no
 * HEVC decoder) in a worker that ends with the decode. Rejects when the file cannot be decoded.
 */
export function decodeHeic(path: string): Promise<DecodedHeic> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./heic-worker.js', import.meta.url), { workerData: path });
    worker.once('message', (m: { result?: Omit<DecodedHeic, 'pixels'> & { pixels: ArrayBuffer }; error?: string }) => {
      if (m.result) resolve({ ...m.result, pixels: Buffer.from(m.result.pixels) });
      else reject(new Error(m.error));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the HEIC decoder stopped (${code})`)));
  });
}
