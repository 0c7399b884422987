import { Hono } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { requireUser } from '../auth/middleware.ts';
import { listOwned, listPublic } from '../images/images.sql.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { renderFor } from '../web/render.tsx';
import { cursorQuery, paginate } from './cursor.ts';
import { ImageList, ListItems } from './views.tsx';

export const PAGE_SIZE = 48;

const badCursor = zValidator('query', cursorQuery, (r, c) => {
  if (!r.success) return c.text('Invalid page link', 400);
});

export function listRoutes({ sql }: Deps) {
  const app = new Hono<AppEnv>();

  app.get('/gallery', badCursor, async (c) => {
    const { page, next } = paginate(await listPublic(sql, PAGE_SIZE, c.req.valid('query').cursor), PAGE_SIZE);
    const props = { images: page, next, base: '/gallery', owner: false };
    return renderFor(c, {
      title: 'Gallery',
      fragment: <ListItems {...props} />,
      page: (
        <section>
          <h1>Gallery</h1>
          <ImageList {...props} empty="No public images yet. Sign up and be the first to share one." />
        </section>
      ),
    });
  });

  app.get('/dashboard', requireUser, badCursor, async (c) => {
    const user = c.get('user')!;
    const { page, next } = paginate(await listOwned(sql, user.id, PAGE_SIZE, c.req.valid('query').cursor), PAGE_SIZE);
    const props = { images: page, next, base: '/dashboard', owner: true };
    return renderFor(c, {
      title: 'My images',
      fragment: <ListItems {...props} />,
      page: (
        <section>
          <div class="heading">
            <h1>My images</h1>
            <a class="button" href="/upload">Upload images</a>
          </div>
          <ImageList {...props} empty="You have no images yet. Upload some: choose many at once, public or private." />
        </section>
      ),
    });
  });

  return app;
}
