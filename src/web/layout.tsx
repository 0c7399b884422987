import type { Child } from 'hono/jsx';
import type { Viewer } from './env.ts';
import { FlashNotice } from './flash-notice.tsx';

export const HTMX_SRC = '/static/vendor/htmx.min.js';

type PageProps = { title: string; user: Viewer | null; flash?: string; children: Child };

/** The full HTML page around a view; fragments for htmx are the same views without it. */
export function Page({ title, user, flash, children }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content='{"mode":"same-origin","includeIndicatorCSS":false}' />
        <title>{`${title} · Image Repository`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <script src={HTMX_SRC} defer></script>
        <script src="/static/app.js" type="module"></script>
        <script src="/static/viewer.js" type="module"></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
          <a class="brand" href="/">Image Repository</a>
          <nav aria-label="Main">
            <a href="/gallery">Gallery</a>
            {user ? (
              <>
                <a href="/dashboard">My images</a>
                <a href="/upload">Upload</a>
                <a href="/settings">Settings</a>
                <form method="post" action="/logout" class="inline">
                  <button type="submit" class="link">Log out {user.username}</button>
                </form>
              </>
            ) : (
              <>
                <a href="/login">Log in</a>
                <a href="/signup">Sign up</a>
              </>
            )}
          </nav>
        </header>
        <main id="main">
          {flash && <FlashNotice flash={flash} />}
          {children}
        </main>
        {/* Short notices with an action (a delete's Undo) that htmx swaps in. */}
        <div id="toasts" class="toasts" aria-live="polite"></div>
      </body>
    </html>
  );
}
