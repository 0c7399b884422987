import { Hono } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { requireUser } from '../auth/middleware.ts';
import { listOwned, listPublic, listPublicOf, usedBytes, userExists } from '../images/images.sql.ts';
import { formatBytes } from '../web/format.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { renderFor, renderPage } from '../web/render.tsx';
import { wantsFragment } from '../web/htmx.ts';
import { cursorQuery, paginate } from './cursor.ts';
import { ImageList, ListItems } from './views.tsx';

export const PAGE_SIZE = 48;

const badCursor = zValidator('query', cursorQuery, (r, c) => {
  if (!r.success) return c.text('Invalid page link', 400);
});

export function listRoutes({ sql, config }: Deps) {
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

  app.get('/u/:username{[A-Za-z0-9_-]{3,32}}', badCursor, async (c) => {
    const username = c.req.param('username');
    if (!(await userExists(sql, username))) return c.notFound();
    const { page, next } = paginate(await listPublicOf(sql, username, PAGE_SIZE, c.req.valid('query').cursor), PAGE_SIZE);
    const props = { images: page, next, base: `/u/${username}`, owner: false };
    return renderFor(c, {
      title: username,
      fragment: <ListItems {...props} />,
      page: (
        <section>
          <h1>Public images of {username}</h1>
          <ImageList {...props} empty={`${username} has no public images yet.`} />
        </section>
      ),
    });
  });

  app.get('/dashboard', requireUser, badCursor, async (c) => {
    const user = c.get('user')!;
    const { page, next } = paginate(await listOwned(sql, user.id, PAGE_SIZE, c.req.valid('query').cursor), PAGE_SIZE);
    const props = { images: page, next, base: '/dashboard', owner: true };
    if (wantsFragment(c)) return c.html(<ListItems {...props} />);
    const used = await usedBytes(sql, user.id);
    return renderPage(
      c,
      'My images',
      <section>
        <div class="heading">
          <h1>My images</h1>
          <a class="button" href="/upload">Upload images</a>
        </div>
        <p class="usage">
          <label for="usage">Storage used:</label>{' '}
          <meter id="usage" min={0} max={config.upload.quotaBytes} value={used}></meter>{' '}
          {formatBytes(used)} of {formatBytes(config.upload.quotaBytes)}
        </p>
        <ImageList {...props} empty="You have no images yet. Upload some: choose many at once, public or private." />
      </section>,
    );
  });

  return app;
}
