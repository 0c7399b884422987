import type { Scope } from './tokens.sql.ts';

// What the tokens page hands out with a new token: a curl command to paste into a shell and a
// ShareX custom uploader. Pure, so the API's tests can run exactly what the page shows.

/**
 * The origin as a shell word. A URL's host may hold `$`, `;`, backticks and quotes, and without
 * PUBLIC_URL the origin comes from the request's Host header: anything beyond the usual host
 * characters is single-quoted so that pasting the command runs curl and nothing else.
 */
function shellWord(s: string) {
  return /^[\w.:/[\]-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A curl command using `token`: an upload of `screenshot.png` for a write token, a list of images for a read one. */
export function curlCommand(origin: string, token: string, scope: Scope) {
  const url = shellWord(`${origin}/api/v1/images`);
  const auth = `-H "Authorization: Bearer ${token}"`;
  return scope === 'write'
    ? `curl ${auth} -F "images=@screenshot.png" -F "visibility=private" ${url}`
    : `curl ${auth} ${url}`;
}

/**
 * A ShareX custom uploader (.sxcu) that uploads to this instance with `token`. Screenshots go up
 * unlisted: the link ShareX copies must open for whoever it is pasted to.
 */
export function sharexUploader(origin: string, token: string) {
  return {
    Version: '16.1.0',
    Name: `${new URL(origin).host} (cloud-image-repository)`,
    DestinationType: 'ImageUploader',
    RequestMethod: 'POST',
    RequestURL: `${origin}/api/v1/images`,
    Headers: { Authorization: `Bearer ${token}` },
    Body: 'MultipartFormData',
    Arguments: { visibility: 'unlisted' },
    FileFormName: 'images',
    URL: '{json:results[0].image_url}',
    ThumbnailURL: '{json:results[0].thumb_url}',
    ErrorMessage: '{json:detail}',
  };
}
