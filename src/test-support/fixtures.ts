import sharp from 'sharp';

/** A photo-like image (noise over a gradient) of the given size and format. */
export async function makeImage(format: 'jpeg' | 'png' | 'webp' | 'gif' | 'avif', width = 640, height = 480) {
  const noise = sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 120, sigma: 40 } } });
  const img = sharp(await noise.png().toBuffer());
  const out = format === 'avif' ? img.avif({ effort: 0 }) : img.toFormat(format);
  return out.toBuffer();
}

export const jpeg = (w = 640, h = 480) => makeImage('jpeg', w, h);

/** A two-frame animated GIF. */
export async function animatedGif(width = 64, height = 48) {
  const frame = (r: number) =>
    sharp({ create: { width, height, channels: 3, background: { r, g: 40, b: 90 } } }).png().toBuffer();
  return sharp([await frame(200), await frame(20)], { join: { animated: true } })
    .gif({ loop: 0, delay: [100, 100] })
    .toBuffer();
}
