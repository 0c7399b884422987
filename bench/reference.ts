// The framework's ceiling for the render-overhead ratio: a minimal Hono server on the same
// runtime answering every request with one captured page from memory.
// `PORT=<port> node --import tsx bench/reference.ts <html file>`
import { readFile } from 'node:fs/promises';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const html = await readFile(process.argv[2]!, 'utf8');
const app = new Hono();
app.get('*', (c) => c.html(html));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => console.log('ready'));
