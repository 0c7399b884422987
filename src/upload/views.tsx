import { imageUrl } from '../images/urls.ts';
import type { FileOutcome } from './ingest.ts';

type FormProps = { maxFiles: number; maxFileMb: number; error?: string; outcomes?: FileOutcome[] };

export function UploadPage(props: FormProps) {
  return (
    <section class="upload">
      <h1>Upload images</h1>
      <script src="/static/upload.js" type="module"></script>
      <form id="upload-form" method="post" action="/upload" enctype="multipart/form-data"
        hx-post="/upload" hx-target="#upload-results" hx-swap="innerHTML" hx-config="timeout:0">
        <fieldset>
          <legend>Who can see them?</legend>
          <label><input type="radio" name="visibility" value="public" /> Public: in the gallery for everyone</label>
          <label><input type="radio" name="visibility" value="private" checked /> Private: only you</label>
        </fieldset>
        <div class="field">
          <label for="images">Images</label>
          <small id="images-hint">
            JPEG, PNG, WebP, GIF or AVIF; up to {props.maxFiles} files of {props.maxFileMb} MB each.
          </small>
          <input id="images" type="file" name="images" multiple required aria-describedby="images-hint"
            accept="image/jpeg,image/png,image/webp,image/gif,image/avif" />
        </div>
        <p class="hint">You can also drop images anywhere on this page, or paste them.</p>
        <ul id="previews" class="previews" aria-label="Chosen images"></ul>
        <button type="submit">Upload</button>
        <progress id="upload-progress" max={1} value={0} hidden aria-label="Upload progress"></progress>
      </form>
      <div id="upload-results" aria-live="polite">
        <UploadResults error={props.error} outcomes={props.outcomes} />
      </div>
    </section>
  );
}

/** What happened to each file, in the order they were sent. */
export function UploadResults({ error, outcomes }: { error?: string; outcomes?: FileOutcome[] }) {
  if (error) return <p class="form-error" role="alert">{error}</p>;
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
