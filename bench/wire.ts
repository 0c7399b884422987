import { request } from 'node:http';

/** The bytes that cross the wire for `url`, asking for compression as browsers do (nothing decompressed). */
function wireGet(url: string) {
  return new Promise<{ bytes: number; body: Buffer; encoding?: string }>((resolve, reject) => {
    request(url, { headers: { 'Accept-Encoding': 'br, gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ bytes: body.length, body, encoding: res.headers['content-encoding'] });
      });
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

/** The same URL's text, decompressed (to find what it links to). */
const text = async (url: string) => (await fetch(url)).text();

/** Static imports of a module script (`import … from './x.js'`), as absolute URLs: loaded with the page. */
async function moduleGraph(url: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(url)) return seen;
  seen.add(url);
  const imports = [...(await text(url)).matchAll(/^\s*import\s[^'"()]*['"]([^'"]+)['"]/gm)].map((m) => new URL(m[1]!, url).href);
  for (const next of imports) await moduleGraph(next, seen);
  return seen;
}

/**
 * What a first-time visitor downloads for the list at `path`, compressed as on the wire: the
 * HTML, its style sheets, scripts (with their static imports), preloaded fonts, the icon sprite
 * it uses, and every 1x thumbnail it shows.
 */
export async function pageBytes(base: string, path: string) {
  const page = await wireGet(`${base}${path}`);
  const html = await text(`${base}${path}`);
  const abs = (href: string) => new URL(href.replaceAll('&amp;', '&'), base).href;
  const all = (re: RegExp) => [...html.matchAll(re)].map((m) => abs(m[1]!));
  const thumbs = all(/<img src="(\/images\/[^"]+\/thumb\/[^"]+)"/g);
  const scripts = new Set<string>();
  for (const src of all(/<script src="([^"]+)"/g)) for (const url of await moduleGraph(src)) scripts.add(url);
  const assets = [
    ...all(/<link rel="stylesheet" href="([^"]+)"/g),
    ...all(/<link rel="preload" href="([^"]+)"/g),
    ...new Set(all(/<use href="([^"#]+)#/g)),
    ...scripts,
  ];
  const sizes = async (urls: string[]) => (await Promise.all(urls.map(async (u) => (await wireGet(u)).bytes))).reduce((a, b) => a + b, 0);
  const [assetBytes, thumbBytes] = [await sizes(assets), await sizes(thumbs)];
  return { images: thumbs.length, assets: assets.length, html: page.bytes, assetBytes, thumbBytes, bytes: page.bytes + assetBytes + thumbBytes };
}
