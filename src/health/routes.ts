import { Hono } from 'hono';
import type { AppEnv, Deps } from '../web/env.ts';
import type { Lifecycle } from '../web/lifecycle.ts';

export function healthRoutes({ sql, storage, lifecycle }: Deps & { lifecycle: Lifecycle }) {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.text('ok'));
  app.get('/readyz', async (c) => {
    // Stopping: the balancer must send no more, though the process still finishes what it has.
    if (lifecycle.draining) return c.json({ draining: true }, 503);
    const checks = await Promise.allSettled([sql`select 1`, storage.check()]);
    const [db, store] = checks.map((r) => (r.status === 'fulfilled' ? 'ok' : 'unreachable'));
    const ready = db === 'ok' && store === 'ok';
    return c.json({ database: db, storage: store }, ready ? 200 : 503);
  });
  return app;
}
