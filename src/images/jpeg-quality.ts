// The IJG (libjpeg) luminance table at quality 50; every other quality scales it.
const IJG_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const IJG_SUM = IJG_LUMA.reduce((a, b) => a + b, 0);

/**
 * The IJG quality (1-100) a JPEG's first quantisation table corresponds to, read from its DQT
 * segment before the first scan; undefined when there is none. An estimate (cameras and editors
 * use tables of their own), good enough not to re-encode a file at a higher quality than it had.
 */
export function estimateJpegQuality(data: Buffer): number | undefined {
  let i = 2;
  while (i + 4 <= data.length && data[i] === 0xff) {
    const marker = data[i + 1]!;
    const length = data.readUInt16BE(i + 2);
    if (marker === 0xda) return undefined; // start of scan: no table before it
    if (marker === 0xdb && i + 5 + 64 <= data.length) {
      const precision = data[i + 4]! >> 4;
      let sum = 0;
      for (let k = 0; k < 64; k++) sum += precision ? data.readUInt16BE(i + 5 + 2 * k) : data[i + 5 + k]!;
      // Tables scale by 5000/q below 50 and by 200-2q above (in percent of the table at 50).
      const scale = (sum * 100) / IJG_SUM;
      const quality = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
      return Math.max(1, Math.min(100, Math.round(quality)));
    }
    i += 2 + length;
  }
  return undefined;
}
