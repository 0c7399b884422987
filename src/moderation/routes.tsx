import { Hono } from 'hono';
import type { AppEnv, Deps } from '../web/env.ts';
import { adminReportRoutes } from './admin-routes.tsx';
import { reportRoutes } from './report-routes.tsx';

/** Moderation: people report images and albums they may see; admins hide, delete or dismiss. */
export function moderationRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.route('/', reportRoutes(deps));
  app.route('/', adminReportRoutes(deps));
  return app;
}
