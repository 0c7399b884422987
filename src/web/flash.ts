import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from './env.ts';

const COOKIE = 'flash';

/** What a delete's Undo sends back: the images to take out of the trash, and where to return. */
export type Undo = { ids: string[]; back: string };
/** A one-time message after a redirect, with an Undo when it reports a delete. */
export type Flash = { message: string; undo?: Undo };

/**
 * A browser keeps a cookie of up to 4096 bytes (name, value and attributes). The largest flash we
 * make takes about 3,820 of them: a message of MESSAGE_MAX 3-byte characters (800 in base64), a
 * return path of MAX_PATH (1,334 in base64) and UNDO_MAX_IDS ids of 20 characters (1,680). An Undo
 * that would pass VALUE_MAX anyway (longer ids than ours) is left out, not the whole cookie lost;
 * a larger delete is undone from the trash page.
 */
export const UNDO_MAX_IDS = 80;
const VALUE_MAX = 3900;
const MESSAGE_MAX = 200;
/** A list's URL with its search (100 characters of CJK, URL-encoded, take 900) and sort. */
const MAX_PATH = 1000;
const ID = /^[\w-]{1,64}$/;
const BASE64URL = /^[\w-]+$/;

/**
 * A path of this site to send someone back to: one leading `/` (a second one, or a backslash,
 * which browsers read as one, would name another host), printable ASCII (browsers drop tabs and
 * newlines, so `/\t/evil.example` would become `//evil.example`), no fragment of its own.
 */
export function isLocalPath(path: string) {
  return path.length <= MAX_PATH && /^\/(?![/\\])[!-~]*$/.test(path) && !/[\\#]/.test(path);
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString();

/**
 * The cookie's value: the message, then the Undo's return path and ids, joined by dots. Base64url
 * and ids need no escaping, so the cookie stays as small as its content.
 */
export function encodeFlash(f: Flash) {
  const message = b64(f.message.slice(0, MESSAGE_MAX));
  const withUndo = f.undo && [message, b64(f.undo.back), ...f.undo.ids].join('.');
  return withUndo && withUndo.length <= VALUE_MAX ? withUndo : message;
}

/** The Undo of a cookie's parts, if they are well formed. */
function decodeUndo(back: string, ids: string[]): Undo | undefined {
  const path = BASE64URL.test(back) ? unb64(back) : '';
  if (!isLocalPath(path) || ids.length === 0 || ids.length > UNDO_MAX_IDS || !ids.every((id) => ID.test(id))) return undefined;
  return { ids, back: path };
}

/**
 * The flash a cookie holds, if its message is well formed, with its Undo if that is too. Anyone
 * can write cookies, so nothing in it is trusted: ids and path are only checked for shape here,
 * and the restore they lead to acts on the signed-in user's own images alone and returns to a
 * local path only. A bad Undo is left out; the message (shown as text) stays.
 */
export function decodeFlash(value: string): Flash | undefined {
  const [message, back, ...ids] = value.split('.');
  if (!message || !BASE64URL.test(message)) return undefined;
  const text = unb64(message);
  if (!text || text.length > MESSAGE_MAX) return undefined;
  const undo = back === undefined ? undefined : decodeUndo(back, ids);
  return undo ? { message: text, undo } : { message: text };
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
