import { Hono } from 'hono';
import type { AppEnv, Deps } from '../web/env.ts';

export function healthRoutes({ sql, storage }: Deps) {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.text('ok'));
  app.get('/readyz', async (c) => {
    const checks = await Promise.allSettled([sql`select 1`, storage.check()]);
    const [db, store] = checks.map((r) => (r.status === 'fulfilled' ? 'ok' : 'unreachable'));
    const ready = db === 'ok' && store === 'ok';
    return c.json({ database: db, storage: store }, ready ? 200 : 503);
  });
  return app;
}
