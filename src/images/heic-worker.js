// Plain JavaScript: a worker starts without the TypeScript loader of the main thread.
// Decodes the primary image of a HEIC file to RGBA pixels, in a worker of its own: libheif's
// WebAssembly runs for seconds on a large photo (the server's thread stays free meanwhile), and its
// memory, which grows to the largest image it has held and never shrinks, goes with the worker.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

// libheif also logs its failures with console.log: the error reaches the caller as a rejection.
console.log = () => {};
const libheif = createRequire(import.meta.url)('libheif-js/wasm-bundle');

/** @param {{ path: string, maxPixels: number }} job */
async function decode({ path, maxPixels }) {
  const decoder = new libheif.HeifDecoder();
  const images = decoder.decode(await readFile(path));
  try {
    const primary = images.find((i) => i.is_primary()) ?? images[0];
    if (!primary) throw new Error('no image in the file');
    const [width, height] = [primary.get_width(), primary.get_height()];
    if (width * height > maxPixels) throw new Error(`the primary image has more than ${maxPixels} pixels`);
    const data = new Uint8ClampedArray(width * height * 4);
    const done = await new Promise((resolve) => primary.display({ data, width, height }, resolve));
    if (!done) throw new Error('the image could not be decoded');
    return { width, height, alpha: primary.has_alpha_channel(), images: images.length, pixels: data.buffer };
  } finally {
    for (const image of images) image.free();
    if (decoder.decoder) libheif.heif_context_free(decoder.decoder);
  }
}

decode(workerData).then(
  (result) => parentPort.postMessage({ result }, [result.pixels]),
  (err) => parentPort.postMessage({ error: err.message }),
);
