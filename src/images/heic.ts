import { Worker } from 'node:worker_threads';

/** A HEIC's primary image as RGBA pixels, and how many images the file holds. */
export type DecodedHeic = { width: number; height: number; alpha: boolean; images: number; pixels: Buffer };

/** Longer than a decode of the largest HEIC the default budget takes, many times over on a busy machine. */
const DECODE_MS = 120_000;

/**
 * Decodes the HEIC file at `path` with libheif (WebAssembly, from npm: the prebuilt libvips has no
 * HEVC decoder) in a worker that ends with the decode. Rejects when the file cannot be decoded,
 * when its primary image has more than `maxPixels` (libheif's choice of primary image is checked
 * again here, whatever the header said), or when the decode does not end in time.
 */
export function decodeHeic(path: string, maxPixels: number): Promise<DecodedHeic> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./heic-worker.js', import.meta.url), { workerData: { path, maxPixels } });
    const timer = setTimeout(() => fail('the decode took too long'), DECODE_MS);
    // The worker's failures are the file's (as plain errors: not mistaken for the server's own).
    function fail(message: string) {
      clearTimeout(timer);
      reject(new Error(`HEIC decode: ${message}`));
      void worker.terminate();
    }
    worker.once('message', (m: { result?: Omit<DecodedHeic, 'pixels'> & { pixels: ArrayBuffer }; error?: string }) => {
      if (!m.result) return fail(m.error ?? 'no image');
      clearTimeout(timer);
      resolve({ ...m.result, pixels: Buffer.from(m.result.pixels) });
      void worker.terminate();
    });
    worker.once('error', (err: Error) => fail(err.message));
    worker.once('exit', (code) => fail(`the decoder stopped (${code})`));
  });
}
