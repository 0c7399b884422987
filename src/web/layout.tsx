import type { Child } from 'hono/jsx';
import type { SessionUser } from '../auth/session.ts';

export const HTMX_SRC = '/static/vendor/htmx.min.js';

type PageProps = { title: string; user: SessionUser | null; flash?: string; children: Child };

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
          {flash && <p class="flash" role="status">{flash}</p>}
          {children}
        </main>
      </body>
    </html>
  );
}

const TITLES: Record<number, string> = {
  400: 'Bad request', 403: 'Forbidden', 404: 'Not found', 408: 'Request timed out', 413: 'Too large', 429: 'Too many attempts', 503: 'Busy',
};

export function ErrorView({ status, message }: { status: number; message: string }) {
  return (
    <section class="error" role="alert">
      <h1>{TITLES[status] ?? `Error ${status}`}</h1>
      <p>{message}</p>
      <p><a href="/">Back to the start page</a></p>
    </section>
  );
}
