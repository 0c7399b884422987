import { imageUrl, variantUrl } from '../images/urls.ts';
import { CONTENT_TYPES } from '../images/pipeline.ts';
import { FieldError, FormError, type FieldErrors } from '../web/forms.tsx';
import { AlbumSelect, ConfirmAdd, type AlbumChoice } from '../albums/membership-views.tsx';
import { Icon } from '../web/icons.tsx';
import type { FileOutcome } from './ingest.ts';
import { mb } from './multipart.ts';
import type { ResultThumb } from './upload.sql.ts';

export type UploadLimits = { maxFiles: number; maxFileBytes: number };
export type UploadVisibility = 'public' | 'private';
/** What one upload did, with the thumbnails of the images it stored or found. */
/** The album an upload was sent to; `ask`: its private images wait for a confirmation to join it. */
export type JoinedAlbum = Pick<AlbumChoice, 'id' | 'title' | 'visibility'> & { ask?: { ids: string[]; unshared: number } };
export type ResultsProps = { outcomes: FileOutcome[]; thumbs: Map<string, ResultThumb>; visibility: UploadVisibility; album?: JoinedAlbum };
/** `albums`: the uploader's, to send the images into one (`album`: the one chosen). */
type PageProps = {
  limits: UploadLimits; visibility: UploadVisibility; errors?: FieldErrors; results?: ResultsProps; albums?: AlbumChoice[]; album?: string;
};

// HEIF is HEIC's family name: phones and browsers label the same files either way.
const ACCEPT = [...Object.values(CONTENT_TYPES), 'image/heif', '.heic', '.heif'];
const TYPE_NAMES = 'JPEG, PNG, WebP, GIF, AVIF or HEIC';

/**
 * The upload page: the results of the last upload (without JavaScript, after a POST) at the top,
 * then the form. With JavaScript, static/upload.js owns the form: it checks the files against
 * the limits the form carries, sends the valid ones over XMLHttpRequest (for upload progress)
 * asking for per-file progress, and puts the results in place of the form.
 */
export function UploadPage(props: PageProps) {
  return (
    <section class="upload-page">
      <link rel="stylesheet" href="/static/upload.css" />
      <script src="/static/upload.js" type="module"></script>
      <h1>Upload images</h1>
      <div id="upload-results">{props.results && <UploadResults {...props.results} />}</div>
      <UploadForm limits={props.limits} visibility={props.visibility} errors={props.errors ?? {}} albums={props.albums ?? []} album={props.album} />
    </section>
  );
}

type FormProps = { limits: UploadLimits; visibility: UploadVisibility; errors: FieldErrors; albums: AlbumChoice[]; album?: string };

function UploadForm({ limits, visibility, errors: e, albums, album }: FormProps) {
  const described = (id: string) => (e[id] ? `${id}-hint ${id}-error` : `${id}-hint`);
  // The visibility comes first: the server reads the fields before the files, so a bad one
  // refuses the upload before anything is decoded.
  return (
    <form id="upload-form" class="upload-form" method="post" action="/upload" enctype="multipart/form-data"
      data-max-files={limits.maxFiles} data-max-file-bytes={limits.maxFileBytes} data-max-file-size={mb(limits.maxFileBytes)}
      data-accept={ACCEPT.join(',')} data-types={TYPE_NAMES}>
      <fieldset class="visibility-choice" aria-invalid={e.visibility ? 'true' : undefined} aria-describedby={e.visibility ? 'visibility-error' : undefined}>
        <legend>Who can see them?</legend>
        <div class="segmented">
          <label>
            <input type="radio" name="visibility" value="public" checked={visibility === 'public'} />
            <Icon name="globe" />
            <span><strong>Public</strong> <small>in the gallery for everyone</small></span>
          </label>
          <label>
            <input type="radio" name="visibility" value="private" checked={visibility === 'private'} />
            <Icon name="lock" />
            <span><strong>Private</strong> <small>only you</small></span>
          </label>
        </div>
        <FieldError id="visibility" error={e.visibility} />
      </fieldset>
      {albums.length > 0 && (
        <div class="field upload-album">
          <AlbumSelect choices={albums} id="upload-album" selected={album} label="Add them to an album" none="No album" showLabel />
          <small>Everyone who can see a shared album sees every image in it, private ones too.</small>
        </div>
      )}
      <div class="images-field">
        <label for="images" id="images-label" class="images-label">Images</label>
        {/* The whole zone opens the file picker (it is a label too); the input itself stays in
            it, focusable, and shows what is chosen when there is no script to list it. */}
        <label class="dropzone">
          <Icon name="image-up" class="dropzone-icon" />
          <span class="dropzone-title">Choose images</span>
          <span class="dropzone-hint" id="images-hint">
            {TYPE_NAMES}, up to {limits.maxFiles} files of {mb(limits.maxFileBytes)} each
          </span>
          <span class="drop-hint" hidden>or drop them anywhere on this page, or paste them</span>
          <input id="images" type="file" name="images" multiple required accept={ACCEPT.join(',')}
            aria-labelledby="images-label" aria-describedby={described('images')} aria-invalid={e.images ? 'true' : undefined} />
        </label>
        <FieldError id="images" error={e.images} />
      </div>
      <ul id="previews" class="upload-tiles previews" aria-label="Chosen images"></ul>
      <div id="upload-error"></div>
      <div class="upload-actions">
        <button type="submit" class="upload-submit"><Icon name="upload" /><span class="submit-label">Upload</span></button>
        <progress id="upload-progress" max={1} value={0} hidden aria-label="Upload progress"></progress>
        <p id="upload-status" class="upload-status" role="status"></p>
      </div>
    </form>
  );
}

/** Why the upload was refused as a whole: shown above the form's button (the fields say the rest). */
export function UploadRefused({ errors }: { errors: FieldErrors }) {
  return <FormError error={Object.values(errors)[0]} />;
}

/**
 * What happened to each file, in the order they were sent: a thumbnail for those now in the
 * library, a mark and the reason for those refused. `data-upload-outcomes` tells static/upload.js
 * that this is a result (not a refusal of the whole upload), `data-stored` how many were stored.
 */
export function UploadResults({ outcomes, thumbs, visibility, album }: ResultsProps) {
  const stored = outcomes.filter((o) => o.status === 'stored').length;
  return (
    <div class="upload-results" data-upload-outcomes data-stored={stored}>
      <div class="results-head">
        <h2 id="results-heading" tabindex={-1}>{stored} of {outcomes.length} {outcomes.length === 1 ? 'image' : 'images'} uploaded</h2>
        <div class="results-actions">
          {album && !album.ask && <a class="button secondary" href={`/albums/${album.id}`}><Icon name="album" />Open “{album.title}”</a>}
          {stored > 0 && <a class="button secondary" href="/dashboard"><Icon name="images" />See them in your images</a>}
          <a class="button" href={`/upload?visibility=${visibility}`} data-upload-more><Icon name="upload" />Upload more</a>
        </div>
      </div>
      {album?.ask && <ConfirmAdd album={album} ids={album.ask.ids} unshared={album.ask.unshared} back={`/albums/${album.id}`} inline />}
      <ul class="upload-tiles outcomes" aria-labelledby="results-heading">
        {outcomes.map((o) => <Outcome outcome={o} thumb={'id' in o ? thumbs.get(o.id) : undefined} />)}
      </ul>
    </div>
  );
}

function Outcome({ outcome: o, thumb }: { outcome: FileOutcome; thumb?: ResultThumb }) {
  if (o.status === 'rejected') {
    return (
      <li class="tile-card" data-status="rejected">
        <span class="tile-media"><Icon name="file-x" /></span>
        <span class="tile-name filename">{o.filename}</span>
        <span class="tile-note"><strong>Refused:</strong> {o.reason}</span>
      </li>
    );
  }
  return (
    <li class="tile-card" data-status={o.status}>
      <a href={imageUrl(o.id)}>
        {/* data-thumbhash: static/app.js paints the placeholder colours while the thumbnail loads. */}
        <span class="tile-media" data-thumbhash={thumb?.placeholder}>
          {thumb
            ? <img src={variantUrl(thumb, 'thumb')} srcset={`${variantUrl(thumb, 'thumb2x')} 2x`} alt="" width={thumb.width} height={thumb.height} />
            : <Icon name="image" />}
        </span>
        <span class="tile-name filename">{o.filename}</span>
      </a>
      <span class="tile-note">
        {o.status === 'stored' ? <><Icon name="check" />Uploaded</> : <><Icon name="copy" />Already in your library</>}
      </span>
      {o.status === 'stored' && o.note && <span class="outcome-note">{o.note}</span>}
    </li>
  );
}
