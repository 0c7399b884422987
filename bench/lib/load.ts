import autocannon from 'autocannon';

/** `done`: requests answered within the window; with none, the other figures are autocannon's zeros, not timings. */
export type Load = { rps: number; mean: number; p50: number; p99: number; done: number };

export type LoadOptions = {
  headers?: Record<string, string>;
  /** Each client requests these paths in turn, instead of `url`'s. */
  paths?: string[];
};

/**
 * `connections` clients requesting `url` back to back for `seconds`; requests per second and
 * latency in ms. autocannon records each latency in whole milliseconds, rounded down (13,570 req/s
 * at 16 connections, a real mean of 1.18 ms, had its mean at 0.75 ms), so its percentiles are
 * that coarse; the mean is the clients over the rate instead (each client always waiting on one
 * request, that is the mean latency).
 * Any answer other than 200 makes the measurement fail.
 */
export async function load(url: string, connections: number, seconds: number, opts: LoadOptions = {}): Promise<Load> {
  const requests = opts.paths?.map((path) => ({ method: 'GET' as const, path }));
  const r = await autocannon({ url, connections, duration: seconds, headers: opts.headers, requests });
  if (r.non2xx || r.errors || r.timeouts) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  const rps = r.requests.average;
  return { rps, mean: rps > 0 ? (1000 * connections) / rps : 0, p50: r.latency.p50, p99: r.latency.p99, done: r.requests.total };
}

/** Follows a list's "Next page" links `pages` times from `path`; the path of every page seen. */
export async function walkPages(base: string, path: string, pages: number, headers: Record<string, string> = {}) {
  const paths = [path];
  for (let i = 0; i < pages; i++) {
    const html = await (await fetch(`${base}${paths[i]}`, { headers })).text();
    const next = html.match(/href="([^"]+)" rel="next"/)?.[1];
    if (!next) throw new Error(`${path} has only ${i + 1} pages`);
    paths.push(next.replaceAll('&amp;', '&'));
  }
  return paths;
}
