/** Bytes a visitor downloads for the list at `path`: the HTML and every thumbnail it shows (1x). */
export async function pageBytes(base: string, path: string) {
  const html = await (await fetch(`${base}${path}`)).text();
  const srcs = [...html.matchAll(/<img src="(\/images\/[^"]+\/thumb\/[^"]+)"/g)].map((m) => m[1]!);
  const sizes = await Promise.all(srcs.map(async (src) => (await (await fetch(`${base}${src}`)).arrayBuffer()).byteLength));
  return { images: srcs.length, bytes: Buffer.byteLength(html) + sizes.reduce((a, b) => a + b, 0) };
}
