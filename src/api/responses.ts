import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './bearer.ts';
import { invalid, problemFields } from './problem.ts';
import { ProblemSchema } from './schemas.ts';

/** An app of API routes: a request its schemas refuse is a 422 problem with a message per field. */
export function apiApp() {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => (result.success ? undefined : invalid(c, problemFields(result.error))),
  });
}

export const PROBLEM_TEXT: Record<number, string> = {
  400: 'Malformed JSON.',
  401: 'No token, a malformed Authorization header, or a token that is mistyped, expired or revoked (WWW-Authenticate: Bearer).',
  403: 'A read token asked to change something.',
  404: 'No such item of yours (another person\'s looks the same as a missing one).',
  409: 'The change needs a confirmation, or the image is in the trash (see detail).',
  413: 'The upload is larger than the limit.',
  415: 'The body is not of the media type this endpoint takes.',
  422: 'A field is not valid: errors has a message per field.',
  429: 'Too many requests from this token (or address): wait Retry-After seconds.',
  503: 'The server is busy: wait Retry-After seconds.',
};

/** The problem answers a route may give, for its OpenAPI description. */
export function problems(...statuses: (keyof typeof PROBLEM_TEXT)[]) {
  return Object.fromEntries(statuses.map((s) => [s, {
    description: PROBLEM_TEXT[s]!,
    content: { 'application/problem+json': { schema: ProblemSchema } },
  }]));
}

/** A JSON answer of `schema`, for a route's `responses`. */
export const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** Every route with a token: it may be refused for the token or the rate. */
export const AUTHED = [401, 429] as const;
