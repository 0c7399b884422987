import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { HttpError, Invalid } from '../web/errors.tsx';
import { logUnexpected } from '../ops/requests.ts';

// Errors of the API as RFC 9457 problem details. `type` names the kind of problem with a URI
// of our own documentation page, so a client can branch on it without parsing `detail`.

const TITLES: Record<number, string> = {
  400: 'Malformed request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict',
  413: 'Content too large', 415: 'Unsupported media type', 422: 'Unprocessable content', 429: 'Too many requests',
  500: 'Internal server error', 503: 'Service unavailable',
};

export type Problem = { type: string; title: string; status: number; detail: string; errors?: Partial<Record<string, string>> };

/** The problem document of `status`, as an answer with its headers. */
type More = { errors?: Problem['errors']; headers?: Record<string, string>; /** Members of this kind of problem. */ members?: object };

export function problem(_c: Context, status: ContentfulStatusCode, detail: string, more: More = {}) {
  const body: Problem = { type: `/api/docs#problem-${status}`, title: TITLES[status] ?? `Error ${status}`, status, detail, ...more.members };
  if (more.errors) body.errors = more.errors;
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...more.headers },
  });
}

/** Every message of a failed validation, by field (`a.b` for nested ones; `body` for the whole). */
export function problemFields(error: ZodError) {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[issue.path.join('.') || 'body'] ??= issue.message;
  return out;
}

export const invalid = (c: Context, errors: NonNullable<Problem['errors']>) =>
  problem(c, 422, Object.values(errors)[0] ?? 'The request is not valid.', { errors });

/** The API's `onError`: our typed errors keep their status and message; anything else is a logged 500. */
export function apiError(err: Error, c: Context) {
  if (err instanceof Invalid) return invalid(c, err.fields);
  if (err instanceof HttpError) return problem(c, err.status, err.message, { headers: err.headers });
  // Hono's validators throw these for a body that is not JSON (400) or not the type asked for (415).
  if (err instanceof HTTPException) return problem(c, err.status as ContentfulStatusCode, err.message || TITLES[err.status] || 'Error');
  logUnexpected(c, err);
  return problem(c, 500, 'Something went wrong on our side. Please try again.');
}
