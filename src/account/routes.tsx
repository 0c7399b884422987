import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser, setCookie } from '../auth/middleware.ts';
import { verifyPassword } from '../auth/password.ts';
import type { Sessions } from '../auth/session.ts';
import { usedBytes } from '../images/images.sql.ts';
import { purgeObjects } from '../janitor/purge.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { renderPage } from '../web/render.tsx';
import { deleteAccount, passwordHashOf } from './account.sql.ts';
import { SettingsPage } from './views.tsx';

const confirmSchema = z.object({ password: z.string().min(1).max(256) });

export function accountRoutes(deps: Deps, sessions: Sessions) {
  const { sql, config } = deps;
  const app = new Hono<AppEnv>();

  app.use('/settings', requireUser);
  app.use('/settings/*', requireUser);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
  const settings = async (c: Context<any>, deleteError?: string) => {
    const user = (c as Context<AppEnv>).get('user')!;
    const used = await usedBytes(sql, user.id);
    return renderPage(c, 'Settings', <SettingsPage user={user} used={used} quota={config.upload.quotaBytes} deleteError={deleteError} />,
      deleteError ? 422 : 200);
  };

  app.get('/settings', (c) => settings(c));

  app.post('/settings/delete-account', zValidator('form', confirmSchema, (r, c) => {
    if (!r.success) return settings(c, 'Enter your password to delete your account');
  }), async (c) => {
    const user = c.get('user')!;
    const hash = await passwordHashOf(sql, user.id);
    if (!hash || !(await verifyPassword(hash, c.req.valid('form').password))) {
      return settings(c, 'That password is not right; nothing was deleted');
    }
    const keys = await deleteAccount(sql, user.id);
    await purgeObjects(deps, keys, true);
    setCookie(c, await sessions.invalidateSession(c.get('session')!.id));
    return c.redirect('/', 303);
  });

  return app;
}
