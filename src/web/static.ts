import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { aspectStyles } from './aspect.ts';
import { pickEncoding, varyOnEncoding } from './compress.ts';
import { iconSprite } from './icons.tsx';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};
// Assets change with each release only: browsers keep them a day, then ask again with the
// ETag. The font's bytes never change under its name, so it is kept for a year.
const DAY = 'public, max-age=86400';
const YEAR = 'public, max-age=31536000, immutable';

// Brotli's strongest setting takes seconds on a bundle of megabytes (Swagger UI's: 3.4 s for 9%
// less than level 9 makes in 0.2 s), which the first visitor of the page would wait for.
const BROTLI_11_MAX = 256 * 1024;

type Asset = { type: string; cache: string; etag: string; plain: Buffer; br?: Buffer; gzip?: Buffer };

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * An asset ready to send: its bytes plain and, for text, compressed once at the strongest
 * settings (brotli 11, or 9 for the largest files; gzip 9), since every later request reuses them. An encoding is kept only
 * if it is smaller.
 */
async function prepare(plain: Buffer, type: string, cache: string): Promise<Asset> {
  const etag = `"${createHash('sha256').update(plain).digest('base64url').slice(0, 22)}"`;
  if (type === TYPES['.woff2']) return { type, cache, etag, plain }; // compressed by its format
  const [br, gz] = await Promise.all([
    brotli(plain, { params: { [constants.BROTLI_PARAM_QUALITY]: plain.length > BROTLI_11_MAX ? 9 : 11, [constants.BROTLI_PARAM_SIZE_HINT]: plain.length } }),
    gzipped(plain, { level: 9 }),
  ]);
  return { type, cache, etag, plain, br: br.length < plain.length ? br : undefined, gzip: gz.length < plain.length ? gz : undefined };
}

/** The asset in the encoding the request accepts, or 304 when the browser's copy is current. */
function send(c: Context, asset: Asset) {
  const encoding = pickEncoding(c.req.header('Accept-Encoding'));
  const body = (encoding && asset[encoding]) || asset.plain;
  // One ETag per representation (the bytes differ); any of them names the same content.
  const suffix = body === asset.plain ? '' : `-${encoding}`;
  const headers = new Headers({ 'Content-Type': asset.type, 'Cache-Control': asset.cache, ETag: asset.etag.replace(/"$/, `${suffix}"`) });
  if (asset.br || asset.gzip) varyOnEncoding(headers);
  const inm = c.req.header('If-None-Match');
  const tag = asset.etag.slice(1, -1);
  if (inm?.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '').replace(/-(br|gzip)"$/, '"') === `"${tag}"`)) {
    return new Response(null, { status: 304, headers });
  }
  if (body !== asset.plain) headers.set('Content-Encoding', encoding!);
  headers.set('Content-Length', String(body.length));
  return new Response(body as Uint8Array<ArrayBuffer>, { headers });
}

/**
 * Files read from disk on first request and kept, compressed, in memory. A cheap stat per
 * request notices an edited file (while developing), so nobody has to restart for a CSS change.
 */
function fileCache() {
  const kept = new Map<string, { version: string; asset: Promise<Asset | null> }>();
  return async (path: string, cache: string) => {
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    const version = `${info.mtimeMs} ${info.size}`;
    let entry = kept.get(path);
    if (entry?.version !== version) {
      const type = TYPES[extname(path)] ?? 'application/octet-stream';
      entry = { version, asset: readFile(path).then((bytes) => prepare(bytes, type, cache), () => null) };
      kept.set(path, entry);
    }
    return entry.asset;
  };
}

/**
 * Our own static files; htmx, thumbhash, PhotoSwipe, Swagger UI and the Inter font straight from their npm
 * packages (nothing vendored by hand); the icon sprite and the aspect-ratio classes, generated at
 * start-up. Each is compressed once and answered as br, gzip or plain, with an ETag.
 */
export function staticRoutes(dir: string) {
  const app = new Hono();
  const require = createRequire(import.meta.url);
  const packageDir = (file: string) => dirname(require.resolve(file));
  const photoswipe = packageDir('photoswipe/dist/photoswipe.css');
  const swagger = packageDir('swagger-ui-dist/package.json');
  const vendor: Record<string, string> = {
    'htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
    'thumbhash.js': join(packageDir('thumbhash/package.json'), 'thumbhash.js'),
    'photoswipe.esm.min.js': join(photoswipe, 'photoswipe.esm.min.js'),
    'photoswipe-lightbox.esm.min.js': join(photoswipe, 'photoswipe-lightbox.esm.min.js'),
    'photoswipe.css': join(photoswipe, 'photoswipe.css'),
    'swagger-ui-bundle.js': join(swagger, 'swagger-ui-bundle.js'),
    'swagger-ui.css': join(swagger, 'swagger-ui.css'),
    'inter.woff2': join(packageDir('@fontsource-variable/inter/package.json'), 'files', 'inter-latin-wght-normal.woff2'),
  };
  const generated: Record<string, Promise<Asset>> = {
    'icons.svg': prepare(Buffer.from(iconSprite()), TYPES['.svg']!, DAY),
    'aspects.css': prepare(Buffer.from(aspectStyles()), TYPES['.css']!, DAY),
  };
  const files = fileCache();
  const root = resolve(dir);

  app.get('/static/vendor/:file', async (c, next) => {
    const path = vendor[c.req.param('file')];
    const asset = path && (await files(path, path.endsWith('.woff2') ? YEAR : DAY));
    return asset ? send(c, asset) : next();
  });
  // Only names of our own shape: no dots or slashes that could climb out of the directory.
  app.get('/static/:file{[a-z0-9-]+\\.(css|js|svg)}', async (c, next) => {
    const file = c.req.param('file');
    const asset = await (generated[file] ?? files(join(root, file), DAY));
    return asset ? send(c, asset) : next();
  });
  // Browsers and crawlers ask for /favicon.ico on their own; ours is an SVG.
  app.get('/favicon.ico', (c) => c.redirect('/static/favicon.svg', 301));
  return app;
}
