/** Bytes a visitor downloads for /gallery: the HTML and every thumbnail it shows (1x). */
export async function pageBytes(base: string) {
  const html = await (await fetch(`${base}/gallery`)).text();
  const srcs = [...html.matchAll(/<img src="(\/images\/[^"]+\/thumb\/[^"]+)"/g)].map((m) => m[1]!);
  const sizes = await Promise.all(srcs.map(async (src) => (await (await fetch(`${base}${src}`)).arrayBuffer()).byteLength));
  return { images: srcs.length, bytes: Buffer.byteLength(html) + sizes.reduce((a, b) => a + b, 0) };
}
