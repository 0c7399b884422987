import { imageUrl } from '../images/urls.ts';
import { FieldError, FormError, type FieldErrors } from '../web/forms.tsx';
import type { FileOutcome } from './ingest.ts';

type FormProps = { maxFiles: number; maxFileMb: number; errors?: FieldErrors; outcomes?: FileOutcome[] };

/**
 * Without JavaScript a plain multipart form. With it, static/upload.js owns the form: it sends
 * the same POST over XMLHttpRequest (for upload progress) with `X-Fragment: 1`, and puts the
 * answer (the results, or the errors) into #upload-results.
 */
export function UploadPage(props: FormProps) {
  const e = props.errors ?? {};
  return (
    <section class="upload">
      <h1>Upload images</h1>
      <script src="/static/upload.js" type="module"></script>
      <form id="upload-form" method="post" action="/upload" enctype="multipart/form-data">
        <fieldset aria-invalid={e.visibility ? 'true' : undefined} aria-describedby={e.visibility ? 'visibility-error' : undefined}>
          <legend>Who can see them?</legend>
          <label><input type="radio" name="visibility" value="public" /> Public: in the gallery for everyone</label>
          <label><input type="radio" name="visibility" value="private" checked /> Private: only you</label>
          <FieldError id="visibility" error={e.visibility} />
        </fieldset>
        <div class="field">
          <label for="images">Images</label>
          <small id="images-hint">
            JPEG, PNG, WebP, GIF or AVIF; up to {props.maxFiles} files of {props.maxFileMb} MB each.
          </small>
          <input id="images" type="file" name="images" multiple required aria-describedby={e.images ? 'images-hint images-error' : 'images-hint'}
            aria-invalid={e.images ? 'true' : undefined} accept="image/jpeg,image/png,image/webp,image/gif,image/avif" />
          <FieldError id="images" error={e.images} />
        </div>
        <p class="hint">You can also drop images anywhere on this page, or paste them.</p>
        <ul id="previews" class="previews" aria-label="Chosen images"></ul>
        <button type="submit">Upload</button>
        <progress id="upload-progress" max={1} value={0} hidden aria-label="Upload progress"></progress>
      </form>
      <div id="upload-results" aria-live="polite">
        <UploadResults outcomes={props.outcomes} />
      </div>
    </section>
  );
}

/** What happened to each file, in the order they were sent; or why the upload was refused. */
export function UploadResults({ errors, outcomes }: { errors?: FieldErrors; outcomes?: FileOutcome[] }) {
  if (errors) return <FormError error={Object.values(errors)[0]} />;
  if (!outcomes) return <></>;
  const stored = outcomes.filter((o) => o.status === 'stored').length;
  return (
    <div class="results">
      <h2>{stored} of {outcomes.length} {outcomes.length === 1 ? 'image' : 'images'} uploaded</h2>
      <ul>
        {outcomes.map((o) => (
          <li class={o.status}>
            {o.status === 'stored' && <>Stored: <a href={imageUrl(o.id)}>{o.filename}</a></>}
            {o.status === 'duplicate' && <>Already in your library: <a href={imageUrl(o.id)}>{o.filename}</a></>}
            {o.status === 'rejected' && <>Rejected: <span class="filename">{o.filename}</span>: {o.reason}</>}
          </li>
        ))}
      </ul>
      {stored > 0 && <p><a href="/dashboard">See them in your images</a></p>}
    </div>
  );
}
