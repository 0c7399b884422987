import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { Hono } from 'hono';

const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/**
 * Our own static files, and htmx straight from its npm package (nothing vendored by hand).
 * Assets change with each release only, so browsers may keep them for a day.
 */
export function staticRoutes(dir: string) {
  const app = new Hono();
  const require = createRequire(import.meta.url);
  const vendor: Record<string, string> = {
    'htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
    'thumbhash.js': join(dirname(require.resolve('thumbhash/package.json')), 'thumbhash.js'),
  };
  const root = resolve(dir);
  const send = async (path: string) => {
    const body = await readFile(path).catch(() => null);
    if (!body) return null;
    return new Response(body, {
      headers: { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Cache-Control': 'public, max-age=86400' },
    });
  };
  app.get('/static/vendor/:file', async (c) => {
    const path = vendor[c.req.param('file')];
    return (path && (await send(path))) || c.notFound();
  });
  app.get('/static/:file{[a-z0-9-]+\\.(css|js)}', async (c) => (await send(join(root, c.req.param('file')))) ?? c.notFound());
  return app;
}
