import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from './env.ts';

const COOKIE = 'flash';

/** What a delete's Undo sends back: the images to take out of the trash, and where to return. */
export type Undo = { ids: string[]; back: string };
/** A one-time message after a redirect, with an Undo when it reports a delete. */
export type Flash = { message: string; undo?: Undo };

/**
 * The most ids an Undo carries. A cookie holds about 4 KB: 100 ids take 2.1 KB; a larger delete
 * is undone from the trash page instead.
 */
export const UNDO_MAX_IDS = 100;
const ID = /^[\w-]{1,64}$/;

/**
 * A path of this site to send someone back to: one leading `/` (a second one, or a backslash,
 * which browsers read as one, would name another host), printable ASCII, no fragment of its own.
 */
export function isLocalPath(path: string) {
  return path.length <= 300 && /^\/(?![/\\])[!-~]*$/.test(path) && !/[\\#]/.test(path);
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString();

/**
 * The cookie's value: the message, then the Undo's return path and ids, joined by dots. Base64url
 * and ids need no escaping, so the cookie stays as small as its content.
 */
export function encodeFlash(f: Flash) {
  const parts = [b64(f.message.slice(0, 200))];
  if (f.undo) parts.push(b64(f.undo.back), ...f.undo.ids);
  return parts.join('.');
}

/**
 * The flash a cookie holds, if it is well formed. Anyone can write cookies, so nothing in it is
 * trusted: ids and path are only checked for shape here, and the restore they lead to acts on
 * the signed-in user's own images alone and returns to a local path only.
 */
export function decodeFlash(value: string): Flash | undefined {
  const [message, back, ...ids] = value.split('.');
  if (!message) return undefined;
  const text = unb64(message);
  if (!text || text.length > 200) return undefined;
  if (back === undefined) return { message: text };
  const path = unb64(back);
  if (!isLocalPath(path) || ids.length === 0 || ids.length > UNDO_MAX_IDS || !ids.every((id) => ID.test(id))) return undefined;
  return { message: text, undo: { ids, back: path } };
}

/**
 * A one-time message for the page after a redirect ("Moved 3 images to the trash", with Undo).
 * It travels in a short-lived cookie, not in server memory, so any instance can show it, without
 * JavaScript. An Undo of no image, or of more than UNDO_MAX_IDS, is left out.
 */
export function flash(c: Context, message: string, undo?: Undo) {
  const f = { message, undo: undo?.ids.length && undo.ids.length <= UNDO_MAX_IDS ? undo : undefined };
  setCookie(c, COOKIE, encodeFlash(f), { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 60 });
}

/**
 * Sets `c.var.flash` from the cookie (its value, once checked: FlashNotice reads it with
 * decodeFlash) and clears it, so it shows exactly once.
 */
export const readFlash: MiddlewareHandler<AppEnv> = async (c, next) => {
  const value = getCookie(c, COOKIE);
  if (value && c.req.method === 'GET' && c.req.header('HX-Request') !== 'true') {
    if (decodeFlash(value)) c.set('flash', value);
    deleteCookie(c, COOKIE, { path: '/' });
  }
  await next();
};
