import type { ImageRow } from './images.sql.ts';
import type { Child } from 'hono/jsx';
import { displaySize, imageUrl, originalUrl, variantUrl, type ImageLink } from './urls.ts';
import { formatBytes, formatDate, LocalTime } from '../web/format.tsx';
import { Icon } from '../web/icons.tsx';
import { Field, FieldError, type FieldErrors } from '../web/forms.tsx';
import { DeleteForm } from './delete-form.tsx';
import { servedFormat } from './pipeline.ts';
import { altOf, titleOf } from './names.ts';
import { EmbedBox, imageCodes } from './embed.tsx';
import { PhotoFacts } from './photo-facts.tsx';

type Image = ImageRow & { username: string };
/** An owner's form that was sent and refused: its messages beside its fields, its values kept. */
export type FailedEdit = { form: 'details' | 'visibility'; errors: FieldErrors; values: Record<string, string> };
/**
 * `link`: where the page's bytes are reached (the image's own URLs, or an album's, with a share
 * token); `crumb`: the album the page was opened from; `aside`: the owner's album memberships.
 */
type Props = {
  image: Image; isOwner: boolean; link?: ImageLink; origin: string; around?: { prev?: string; next?: string }; failed?: FailedEdit;
  context?: string; crumb?: Child; aside?: Child;
  /** Where anyone may see the image (its own URLs, or an album's; with a share token if it needs one): the page offers its links and embed codes. */
  anyone?: ImageLink;
  /** Whether someone is signed in: they may report an image that is not theirs. */
  signedIn?: boolean;
};

/** How each visibility is named, on badges and in the image's facts. */
export const VISIBILITY_LABELS = { public: 'Public', private: 'Private', unlisted: 'Unlisted' } as const;


export function ImagePage({ image, isOwner, link, origin, around = {}, failed, context = '', crumb, aside, anyone, signedIn }: Props) {
  // The owner's HEIC original is not something browsers show: full size is the display derivative.
  const fullSize = isOwner && image.format === 'heic' ? variantUrl(image, 'display', link) : originalUrl(image.id, false, link);
  return (
    <article class="image-page">
      <div class="stage">
        <a href={fullSize} class="display" aria-label={`${titleOf(image)}, full size`}>
          <img src={variantUrl(image, 'display', link)} alt={altOf(image)} {...displaySize(image)} />
        </a>
        {(around.prev || around.next) && (
          // rel=prev/next: static/app.js follows them on the left and right arrow keys.
          <nav class="pager" aria-label="Previous and next image">
            {around.prev && <a href={around.prev} rel="prev" aria-label="Previous image"><Icon name="chevron-left" /></a>}
            {around.next && <a href={around.next} rel="next" aria-label="Next image"><Icon name="chevron-right" /></a>}
          </nav>
        )}
      </div>
      <div class="details">
        {crumb}
        {isOwner && image.hidden_at && <HiddenNotice reason={image.hidden_reason} what="image" />}
        <h1 class="filename">{titleOf(image)}</h1>
        {image.caption && <p class="caption">{image.caption}</p>}
        <div class="actions">
          <a class="button" href={originalUrl(image.id, true, link)} download><Icon name="download" /> Download</a>
          {isOwner && <DeleteForm id={image.id} filename={image.filename} context={context} />}
        </div>
        <dl class="facts">
          <dt>Owner</dt><dd><a href={`/u/${image.username}`}>{image.username}</a></dd>
          <dt>File</dt><dd class="filename">{image.filename}</dd>
          <dt>Dimensions</dt><dd>{image.width} × {image.height}</dd>
          <dt>Size</dt><dd>{formatBytes(Number(image.bytes))}</dd>
          {/* What the visitor's download is: a HEIC's copy for them is a JPEG. */}
          <dt>Format</dt><dd>{servedFormat(image.format, isOwner).toUpperCase()}</dd>
          <dt>Uploaded</dt><dd><LocalTime date={image.created_at} /></dd>
          <dt>Visibility</dt><dd>{VISIBILITY_LABELS[image.visibility]}</dd>
          {/* Camera and location: its owner's alone. */}
          {isOwner && <PhotoFacts details={image} />}
        </dl>
        {anyone && <EmbedBox codes={imageCodes(image, anyone, origin)} open />}
        {!isOwner && signedIn && <ReportForm action={reportUrl(image.id, link)} what="image" />}
        {isOwner && aside}
        {isOwner && <OwnerControls image={image} origin={origin} failed={failed} context={context} />}
      </div>
    </article>
  );
}

/** `context`: the page's list context (`in=dashboard&q=…`), kept by each form so saving comes back to the same page. */
function OwnerControls({ image, origin, failed, context }: { image: Image; origin: string; failed?: FailedEdit; context: string }) {
  const link = image.share_token && `${origin}${imageUrl(image.id, { share: image.share_token })}`;
  const details = failed?.form === 'details' ? failed : undefined;
  const values = { title: image.title, caption: image.caption, alt_text: image.alt_text, ...details?.values };
  const e = details?.errors ?? {};
  const visibility = failed?.form === 'visibility' ? failed : undefined;
  const chosen = visibility?.values.visibility ?? image.visibility;
  const action = (path: string) => `${imageUrl(image.id)}/${path}${context ? `?${context}` : ''}`;
  return (
    <>
      <section id="details" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <form method="post" action={action('details')} novalidate>
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
          <button type="submit" class="secondary">Save details</button>
        </form>
      </section>

      <section id="visibility" aria-labelledby="visibility-heading">
        <h2 id="visibility-heading">Who can see it</h2>
        <form method="post" action={action('visibility')}>
          <fieldset aria-invalid={visibility?.errors.visibility ? 'true' : undefined}>
            <legend>Visibility</legend>
            {(['public', 'private', 'unlisted'] as const).map((v) => (
              <label><input type="radio" name="visibility" value={v} checked={chosen === v} /> {VISIBILITY_LABELS[v]}{v === 'unlisted' && ' (anyone with the link)'}</label>
            ))}
            <FieldError id="visibility" error={visibility?.errors.visibility} />
          </fieldset>
          <ExpiryField item={image} error={visibility?.errors.expires} />
          <button type="submit" class="secondary">Save visibility</button>
        </form>
        {link && <ShareLink id="share-link" url={link} expires={image.share_expires_at} revoke={action('share/revoke')} />}
      </section>
    </>
  );
}

const EXPIRY_LABELS = { never: 'Never', 1: 'After 1 day', 7: 'After 7 days', 30: 'After 30 days' } as const;

/** What has a share link: an unlisted image or album. */
type Linked = { visibility: string; share_token: string | null; share_expires_at: Date | null };

/** When an unlisted link expires; an existing link's expiry is kept unless another is chosen. */
export function ExpiryField({ item, error, id = 'expires', label = 'The link expires' }: { item: Linked; error?: string; id?: string; label?: string }) {
  const current = item.visibility === 'unlisted' && item.share_token;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name="expires" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {current && item.share_expires_at && <option value="keep" selected>Keep: {formatDate(item.share_expires_at)}</option>}
        {Object.entries(EXPIRY_LABELS).map(([value, label]) => (
          <option value={value} selected={!!current && !item.share_expires_at && value === 'never'}>{label}</option>
        ))}
      </select>
      <FieldError id={id} error={error} />
    </div>
  );
}

/** A live share link to copy, with its expiry and the form that revokes it (`revoke`: its action). */
export function ShareLink({ id, url, expires, revoke }: { id: string; url: string; expires: Date | null; revoke: string }) {
  return (
    <div class="share">
      <label for={id}>Share link{expires && <>, {expires > new Date() ? 'expires' : 'expired'} <LocalTime date={expires} /></>}</label>
      <div class="copy-row">
        <input id={id} type="text" readonly value={url} />
        {/* Shown by static/app.js, which can write to the clipboard. */}
        <button type="button" class="secondary" data-copy={id} hidden><Icon name="copy" /> Copy</button>
      </div>
      <form method="post" action={revoke}>
        <button type="submit" class="danger">Revoke link</button>
      </form>
    </div>
  );
}

/** Why people report an image or album (sql/0014 `reports.reason`), as the form and the admins name them. */
export const REPORT_REASONS = {
  spam: 'Spam', sexual: 'Nudity or sexual content', violence: 'Violence or gore', harassment: 'Harassment or hate',
  illegal: 'Illegal content', copyright: 'Copyright infringement', other: 'Something else',
} as const;
export type ReportReason = keyof typeof REPORT_REASONS;

/** Where an image seen through `link` is reported: the link goes along, as the right to see it. */
export const reportUrl = (id: string, link?: ImageLink) => {
  const q = new URLSearchParams(Object.entries({ album: link?.album, share: link?.share }).filter((e): e is [string, string] => !!e[1]));
  return `/images/${id}/report${q.size ? `?${q}` : ''}`;
};

/** A refused report: the message beside its field, what was sent kept. */
export type FailedReport = { errors: FieldErrors; values: { reason?: string; details?: string } };

/**
 * A quiet "Report" disclosure with the reasons and a note for the admins; a plain form (its
 * answer a redirect), which htmx replaces in place with the answer (the thanks, or itself again
 * with a message).
 */
export function ReportForm({ action, what, failed, open }: { action: string; what: 'image' | 'album'; failed?: FailedReport; open?: boolean }) {
  const e = failed?.errors ?? {};
  const v = failed?.values ?? {};
  return (
    <details class="report" open={open || !!failed}>
      <summary><Icon name="flag" /> Report</summary>
      <form method="post" action={action} hx-post={action} hx-target="closest details" hx-swap="outerHTML">
        <p class="hint">Tell the admins what is wrong with this {what}. The owner is not told who reported it.</p>
        <div class="field">
          <label for={`report-reason-${what}`}>Reason</label>
          <select id={`report-reason-${what}`} name="reason" required aria-invalid={e.reason ? 'true' : undefined}>
            {Object.entries(REPORT_REASONS).map(([value, label]) => <option value={value} selected={v.reason === value}>{label}</option>)}
          </select>
          <FieldError id={`report-reason-${what}`} error={e.reason} />
        </div>
        <div class="field">
          <label for={`report-details-${what}`}>Details <small>(needed for “Something else”)</small></label>
          <textarea id={`report-details-${what}`} name="details" maxlength={1000} rows={3} aria-invalid={e.details ? 'true' : undefined}
            aria-describedby={e.details ? `report-details-${what}-error` : undefined}>{v.details ?? ''}</textarea>
          <FieldError id={`report-details-${what}`} error={e.details} />
        </div>
        <button type="submit" class="secondary">Send report</button>
      </form>
    </details>
  );
}

/** What the owner of a hidden image or album reads on its page. */
/** The message beside a refused visibility of a hidden image or album. */
export const hiddenMessage = (reason: string) =>
  `Hidden by a moderator${reason ? `: ${reason}` : ''}. It cannot be made public or unlisted while it is hidden.`;

export function HiddenNotice({ reason, what }: { reason: string; what: 'image' | 'album' }) {
  return (
    <div class="hidden-notice" role="status">
      <p><Icon name="eye-off" /> <strong>Hidden by a moderator: {reason || 'no reason given'}</strong></p>
      <p>Nobody else can see this {what}, and it cannot be made public or unlisted until a moderator restores it.</p>
    </div>
  );
}
