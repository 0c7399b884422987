import type { ImageRow } from './images.sql.ts';
import { imageUrl, originalUrl, variantUrl } from './urls.ts';
import { formatBytes, formatDate } from '../web/format.ts';
import { Field, FieldError, type FieldErrors } from '../web/forms.tsx';
import { DeleteForm } from './delete-form.tsx';

type Image = ImageRow & { username: string };
/** An owner's form that was sent and refused: its messages beside its fields, its values kept. */
export type FailedEdit = { form: 'details' | 'visibility'; errors: FieldErrors; values: Record<string, string> };
type Props = {
  image: Image; isOwner: boolean; share?: string; origin: string; around?: { prev?: string; next?: string }; failed?: FailedEdit;
};

/** How each visibility is named, on badges and in the image's facts. */
export const VISIBILITY_LABELS = { public: 'Public', private: 'Private', unlisted: 'Unlisted' } as const;

export const titleOf = (i: { title: string; filename: string }) => i.title || i.filename;
export const altOf = (i: { alt_text: string; title: string; filename: string }) => i.alt_text || titleOf(i);

export function ImagePage({ image, isOwner, share, origin, around = {}, failed }: Props) {
  return (
    <article class="image-page">
      <h1 class="filename">{titleOf(image)}</h1>
      {(around.prev || around.next) && (
        // rel=prev/next: static/app.js follows them on the left and right arrow keys.
        <nav class="pager" aria-label="Previous and next image">
          {around.prev ? <a href={around.prev} rel="prev">← Previous</a> : <span />}
          {around.next ? <a href={around.next} rel="next">Next →</a> : <span />}
        </nav>
      )}
      <a href={originalUrl(image.id, false, share)} class="display">
        <img src={variantUrl(image, 'display', share)} alt={altOf(image)} width={image.width} height={image.height} />
      </a>
      {image.caption && <p class="caption">{image.caption}</p>}
      <dl class="facts">
        <dt>File</dt><dd class="filename">{image.filename}</dd>
        <dt>Owner</dt><dd><a href={`/u/${image.username}`}>{image.username}</a></dd>
        <dt>Dimensions</dt><dd>{image.width} × {image.height}</dd>
        <dt>Size</dt><dd>{formatBytes(Number(image.bytes))}</dd>
        <dt>Format</dt><dd>{image.format.toUpperCase()}</dd>
        <dt>Uploaded</dt><dd><time datetime={image.created_at.toISOString()}>{formatDate(image.created_at)}</time></dd>
        <dt>Visibility</dt><dd>{VISIBILITY_LABELS[image.visibility]}</dd>
      </dl>
      <div class="actions">
        <a class="button" href={originalUrl(image.id, true, share)} download>Download</a>
        {isOwner && <DeleteForm id={image.id} filename={image.filename} />}
      </div>
      {isOwner && <OwnerControls image={image} origin={origin} failed={failed} />}
    </article>
  );
}

function OwnerControls({ image, origin, failed }: { image: Image; origin: string; failed?: FailedEdit }) {
  const link = image.share_token && `${origin}${imageUrl(image.id, image.share_token)}`;
  const details = failed?.form === 'details' ? failed : undefined;
  const values = { title: image.title, caption: image.caption, alt_text: image.alt_text, ...details?.values };
  const e = details?.errors ?? {};
  const visibilityError = failed?.form === 'visibility' ? Object.values(failed.errors)[0] : undefined;
  return (
    <section class="owner-controls" aria-label="Edit image">
      <h2 id="details">Details</h2>
      <form method="post" action={`${imageUrl(image.id)}/details`} aria-labelledby="details" novalidate>
        <Field id="title" name="title" label="Title" maxlength={200} value={values.title} placeholder={image.filename}
          required={false} error={e.title} />
        <div class="field">
          <label for="caption">Caption</label>
          <textarea id="caption" name="caption" maxlength={2000} rows={3} aria-invalid={e.caption ? 'true' : undefined}
            aria-describedby={e.caption ? 'caption-error' : undefined}>{values.caption}</textarea>
          <FieldError id="caption" error={e.caption} />
        </div>
        <Field id="alt" name="alt_text" label="Alt text" maxlength={500} value={values.alt_text} required={false}
          hint="Describes the image for people who cannot see it." error={e.alt_text} />
        <button type="submit">Save details</button>
      </form>

      <h2 id="visibility">Who can see it</h2>
      <form method="post" action={`${imageUrl(image.id)}/visibility`} aria-labelledby="visibility">
        <fieldset>
          <legend>Visibility</legend>
          {(['public', 'private', 'unlisted'] as const).map((v) => (
            <label><input type="radio" name="visibility" value={v} checked={image.visibility === v} /> {VISIBILITY_LABELS[v]}{v === 'unlisted' && ' (link only)'}</label>
          ))}
          <FieldError id="visibility" error={visibilityError} />
        </fieldset>
        <div class="field">
          <label for="expires">An unlisted link expires</label>
          <select id="expires" name="expires">
            <option value="never">Never</option>
            <option value="1">After 1 day</option>
            <option value="7">After 7 days</option>
            <option value="30">After 30 days</option>
          </select>
        </div>
        <button type="submit">Save visibility</button>
      </form>
      {link && (
        <div class="share">
          <p>
            <label for="share-link">Share link</label>
            {image.share_expires_at ? ` (expires ${formatDate(image.share_expires_at)})` : ''}
          </p>
          <input id="share-link" type="text" readonly value={link} />
          <form method="post" action={`${imageUrl(image.id)}/share/revoke`}>
            <button type="submit" class="danger">Revoke link</button>
          </form>
        </div>
      )}
    </section>
  );
}
