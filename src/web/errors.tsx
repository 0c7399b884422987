import type { Context } from 'hono';
import type { AppEnv } from './env.ts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { wantsFragment } from './htmx.ts';
import { renderPage } from './render.tsx';
import type { FieldErrors } from './forms.tsx';
import { logUnexpected } from '../ops/requests.ts';
import { Icon } from './icons.tsx';
import { Toast } from './flash-notice.tsx';

/**
 * A request that cannot be answered as asked. Domain code and middleware throw these; the app's
 * one `onError` turns each into its status and an HTML answer for its context (`renderError`).
 */
export class HttpError extends Error {
  constructor(readonly status: ContentfulStatusCode, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export class BadRequest extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}

export class SignedOut extends HttpError {
  constructor() {
    super(401, 'You are signed out. Log in and try again.');
  }
}

export class Forbidden extends HttpError {
  constructor(message: string) {
    super(403, message);
  }
}

export class NotFound extends HttpError {
  constructor() {
    super(404, 'There is nothing here, or you may not see it.');
  }
}

/** The user's own images are in their trash: nothing changes them there (restored, they can be changed again). */
export class InTrash extends HttpError {
  constructor(count = 1) {
    super(409, count === 1 ? 'This image is in the trash. Restore it from the trash to change it.'
      : `${count} of these images are in the trash. Restore them from the trash to change them.`);
  }
}

/** The client stopped sending its request: answered, and the connection closed. */
export class Timeout extends HttpError {
  constructor(message: string) {
    super(408, message, { Connection: 'close' });
  }
}

export class TooLarge extends HttpError {
  constructor(message: string) {
    super(413, message);
  }
}

/** A form that cannot be accepted: a message per field, for the form to show beside each. */
export class Invalid extends HttpError {
  constructor(readonly fields: FieldErrors) {
    super(422, Object.values(fields)[0] ?? 'The form is not complete.');
  }
}

/** Too many attempts; `retryAfter` seconds until the next one counts. */
export class RateLimited extends HttpError {
  constructor(what: string, retryAfter: number) {
    const minutes = Math.max(1, Math.ceil(retryAfter / 60));
    super(429, `${what}. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, { 'Retry-After': String(retryAfter) });
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request', 401: 'Signed out', 403: 'Forbidden', 404: 'Not found', 408: 'Request timed out',
  409: 'In the trash', 413: 'Too large', 422: 'Not accepted', 429: 'Too many attempts', 503: 'Busy',
};
const titleOf = (status: number) => TITLES[status] ?? (status >= 500 ? 'Something went wrong' : `Error ${status}`);

/** `login`: where to come back after logging in, when logging in might be the way to see this page. */
export function ErrorView({ status, message, login }: { status: number; message: string; login?: string }) {
  return (
    <section class="error" role="alert">
      <h1>{titleOf(status)}</h1>
      <p>{message}</p>
      {login && <p>If this is your image, <a href={`/login?next=${encodeURIComponent(login)}`}>log in</a> to see it.</p>}
      <p>{status === 401 ? <a href="/login">Log in</a> : status === 409 ? <a href="/trash">Open the trash</a> : <a href="/">Back to the start page</a>}</p>
    </section>
  );
}

/**
 * An error inside a page already shown (an htmx request: a tile's delete, the album menu, a
 * moderator's action; static/upload.js reads it into its own message under the form): a toast in
 * the layout's `#toasts`, in sight wherever the page is scrolled, with the message alone (each says
 * what went wrong), a way to log in when signed out and to the trash when the image is there; not
 * a page's heading and a way back.
 */
export function ErrorToast({ status, message }: { status: number; message: string }) {
  return (
    <Toast alert>
      <Icon name="circle-alert" />
      <span>{message}</span>
      {status === 401 && <a href="/login">Log in</a>}
      {status === 409 && <a href="/trash">Open the trash</a>}
    </Toast>
  );
}

/**
 * The error as a fragment when htmx (or static/upload.js) asked for one, else as a page. The toast
 * is an `hx-partial`, the answer's only content, so htmx puts nothing where the request aimed: the
 * form that asked, a report being moderated or an image's album menu stays as it was.
 */
export function renderError(c: Context, err: HttpError) {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  if (wantsFragment(c)) return c.html(`${<ErrorToast status={err.status} message={err.message} />}`, err.status);
  // A private image answers a visitor exactly as a missing one; its owner may just be logged out.
  const signedOut = !(c as Context<AppEnv>).get('user') && c.req.method === 'GET';
  const login = err.status === 404 && signedOut && /^\/images\/[\w-]+$/.test(c.req.path) ? c.req.path : undefined;
  return renderPage(c, titleOf(err.status), <ErrorView status={err.status} message={err.message} login={login} />, err.status);
}

/** Anything else thrown is a bug of ours: logged, and answered with a 500 that tells nothing. */
export function renderUnexpected(c: Context, err: unknown) {
  logUnexpected(c, err);
  return renderError(c, new HttpError(500, 'Something went wrong on our side. Please try again.'));
}
