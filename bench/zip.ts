import type { Report } from './lib/report.ts';
import type { RunningApp } from './lib/server.ts';
import { stat } from './lib/stats.ts';

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads `body` to its end no faster than `rate` bytes a second (a client slower than the
 * server's storage, so the server must hold back rather than buffer): the bytes counted, and
 * the last 64 KB, where the zip's directory ends.
 */
async function drain(body: ReadableStream<Uint8Array>, rate: number) {
  const started = performance.now();
  let length = 0;
  let tail = Buffer.alloc(0);
  for await (const chunk of body) {
    length += chunk.length;
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > 128 * 1024) tail = tail.subarray(tail.length - 64 * 1024);
    const ahead = (length / rate) * 1000 - (performance.now() - started);
    if (ahead > 1) await sleep(ahead);
  }
  return { length, tail, seconds: (performance.now() - started) / 1000 };
}

/** The end of central directory record at the end of a zip of `length` bytes: how many entries it lists. */
function zipEntryCount(tail: Buffer, length: number) {
  const at = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (at < 0) throw new Error('zip: no end of central directory record');
  const entries = tail.readUInt16LE(at + 10);
  const dirSize = tail.readUInt32LE(at + 12);
  const dirOffset = tail.readUInt32LE(at + 16);
  const comment = tail.readUInt16LE(at + 20);
  // Past 4 GB or 65,535 entries the fields hold 0xFFFF... and the zip64 record has the numbers.
  const zip64 = entries === 0xffff || dirOffset === 0xffffffff;
  if (!zip64 && dirOffset + dirSize + 22 + comment !== length) {
    throw new Error(`zip: directory at ${dirOffset} + ${dirSize} does not end ${length} bytes of zip`);
  }
  return zip64 ? undefined : entries;
}

/**
 * Peak RSS growth of the server over idle while one client downloads the album `album` as a
 * zip (`count` images of `bytes` each, stored), reading at `rate` bytes a second. VmHWM after a
 * reset gives the peak; VmRSS sampled every 50 ms during the download is shown beside it.
 * The zip must hold every image whole: more bytes than the images, and `count` entries.
 */
export async function zipMemory(report: Report, app: RunningApp, zip: { album: string; count: number; bytes: number }, runs: number, rate = 100 * MB) {
  const growth: number[] = [];
  const sampled: number[] = [];
  const speeds: number[] = [];
  let length = 0;
  for (let i = 0; i < runs; i++) {
    await sleep(500);
    const idle = await app.rss();
    await app.resetPeak();
    let high = idle;
    const sampler = setInterval(() => void app.rss().then((v) => (high = Math.max(high, v)), () => {}), 50);
    try {
      const res = await fetch(`${app.url}/albums/${zip.album}/download`);
      if (res.status !== 200 || res.headers.get('content-type') !== 'application/zip') {
        throw new Error(`zip download: ${res.status} ${res.headers.get('content-type')} ${(await res.text()).slice(0, 300)}`);
      }
      const got = await drain(res.body!, rate);
      const entries = zipEntryCount(got.tail, got.length);
      if (got.length <= zip.count * zip.bytes || (entries !== undefined && entries !== zip.count)) {
        throw new Error(`zip download: ${got.length} bytes, ${entries} entries; expected more than ${zip.count * zip.bytes} bytes in ${zip.count} entries`);
      }
      length = got.length;
      speeds.push(got.length / MB / got.seconds);
    } finally {
      clearInterval(sampler);
    }
    growth.push(((await app.peak()) - idle) / MB);
    sampled.push((high - idle) / MB);
  }
  report.record(`zip ${zip.count} x ${(zip.bytes / MB).toFixed(0)} MB, peak RSS growth`, stat(growth), 'MB', {
    detail: `zip of ${length} bytes (${(length / 1e9).toFixed(2)} GB) read at ${stat(speeds).median.toFixed(0)} MB/s; `
      + `largest VmRSS sampled +${stat(sampled).median.toFixed(1)} MB`,
    target: { text: '< 100 MB', check: (v) => v < 100 },
  });
}
