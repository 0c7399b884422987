import type { Child } from 'hono/jsx';
import type { Viewer } from './env.ts';
import { FlashNotice } from './flash-notice.tsx';
import { Icon } from './icons.tsx';

export const HTMX_SRC = '/static/vendor/htmx.min.js';

/** `head`: more of the page's `<head>` (link previews, feed links). */
type PageProps = { title: string; user: Viewer | null; flash?: string; head?: Child; children: Child };

/** The site's mark: a picture in a rounded square (static/favicon.svg is the same drawing). */
function Mark() {
  return (
    <svg class="mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
      <rect width="32" height="32" rx="8" class="mark-bg" />
      <circle cx="21.5" cy="10.5" r="3.5" class="mark-sun" />
      <path d="M4 25l8.5-11 6 7.5 3.5-4L28 25z" class="mark-hills" />
    </svg>
  );
}

/** The full HTML page around a view; fragments for htmx are the same views without it. */
export function Page({ title, user, flash, head, children }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content='{"mode":"same-origin","includeIndicatorCSS":false}' />
        <title>{`${title} · Image Repository`}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="preload" href="/static/vendor/inter.woff2" as="font" type="font/woff2" crossorigin="anonymous" />
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="stylesheet" href="/static/aspects.css" />
        <script src={HTMX_SRC} defer></script>
        <script src="/static/app.js" type="module"></script>
        <script src="/static/viewer.js" type="module"></script>
        <script src="/static/passkeys.js" type="module"></script>
        {head}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
          <a class="brand" href="/"><Mark /><span>Image Repository</span></a>
          <nav aria-label="Main">
            <a href="/gallery"><Icon name="layout-grid" /><span class="label">Gallery</span></a>
            {user ? (
              <>
                <a href="/dashboard"><Icon name="images" /><span class="label">My images</span></a>
                <a href="/albums"><Icon name="album" /><span class="label">Albums</span></a>
                <a href="/upload" class="button"><Icon name="upload" /><span class="label">Upload</span></a>
                {user.role === 'admin' && <a href="/admin" aria-label="Admin" title="Admin"><Icon name="shield" /></a>}
                <a href="/settings" aria-label="Settings" title="Settings"><Icon name="settings" /></a>
                <form method="post" action="/logout" class="inline">
                  <button type="submit" class="icon-button" aria-label={`Log out ${user.username}`} title={`Log out ${user.username}`}>
                    <Icon name="log-out" />
                  </button>
                </form>
              </>
            ) : (
              <>
                <a href="/login"><Icon name="log-in" /><span class="label">Log in</span></a>
                <a href="/signup" class="button">Sign up</a>
              </>
            )}
          </nav>
        </header>
        <main id="main">
          {flash && <FlashNotice flash={flash} />}
          {children}
        </main>
        {/* Short notices that htmx swaps in: the last error, and the last notice (a delete's Undo). */}
        <div id="toasts" class="toasts" aria-live="polite"><div id="alert-toast"></div><div id="notice-toast"></div></div>
      </body>
    </html>
  );
}
