import type { Child } from 'hono/jsx';
import type { ListedImage } from '../images/list.sql.ts';
import { ImageList, VISIBILITY_ICONS, type ListState } from '../images/grid.tsx';
import { altOf, ExpiryField, ShareLink, titleOf, VISIBILITY_LABELS } from '../images/views.tsx';
import { variantUrl } from '../images/urls.ts';
import { Field, FieldError, type FieldErrors } from '../web/forms.tsx';
import { plural } from '../web/format.tsx';
import { Icon } from '../web/icons.tsx';
import type { Album, AlbumCard, AlbumSort } from './albums.sql.ts';

export const albumUrl = (id: string, share?: string | null) => (share ? `/albums/${id}?share=${encodeURIComponent(share)}` : `/albums/${id}`);

const AUDIENCE = { public: 'everyone, and listed on your profile', unlisted: 'anyone with the link', private: 'only you' } as const;
const SORT_LABELS: Record<AlbumSort, string> = { newest: 'Newest first', oldest: 'Oldest first', manual: 'Your arrangement' };

/** One album in a grid of albums: its cover (through the album, which may be all that shows it), title and count. */
function Card({ album, owner }: { album: AlbumCard; owner: boolean }) {
  const cover = album.cover;
  const link = { album: album.id };
  return (
    <li class="album-card">
      <a href={albumUrl(album.id)} class="album-cover">
        {cover
          ? <img src={variantUrl(cover, 'thumb', link)} srcset={`${variantUrl(cover, 'thumb2x', link)} 2x`} alt={altOf(cover)}
              loading="lazy" decoding="async" width={cover.width} height={cover.height} data-thumbhash={cover.placeholder} />
          : <span class="album-empty"><Icon name="album" /></span>}
      </a>
      <div class="album-meta">
        <a href={albumUrl(album.id)} class="album-title">{album.title}</a>
        <span class="muted">
          {plural(album.count)}
          {!owner && <> · <a href={`/u/${album.username}`}>{album.username}</a></>}
        </span>
        {owner && (
          <span class={`album-visibility ${album.visibility}`}>
            <Icon name={VISIBILITY_ICONS[album.visibility]} /> {VISIBILITY_LABELS[album.visibility]}
          </span>
        )}
      </div>
    </li>
  );
}

/** Albums as cards, with the link to the next page (`next`: its URL). */
export function AlbumCards({ albums, owner = false, next, empty }: { albums: AlbumCard[]; owner?: boolean; next?: string; empty: Child }) {
  if (albums.length === 0) return <p class="empty">{empty}</p>;
  return (
    <>
      <ul class="album-grid">{albums.map((a) => <Card album={a} owner={owner} />)}</ul>
      {next && <p class="more"><a class="button secondary" href={next} rel="next">Next page</a></p>}
    </>
  );
}

/** The form that makes an album: shown on /albums, and again with its messages when refused. */
export function NewAlbumForm({ errors = {}, values = {} }: { errors?: FieldErrors; values?: Record<string, string> }) {
  return (
    <details class="new-album" open={Object.keys(errors).length > 0}>
      <summary class="button"><Icon name="folder-plus" /> New album</summary>
      <form method="post" action="/albums" novalidate>
        <Field name="title" label="Title" maxlength={200} value={values.title} error={errors.title} />
        <div class="field">
          <label for="f-description">Description</label>
          <textarea id="f-description" name="description" maxlength={2000} rows={3}>{values.description ?? ''}</textarea>
          <FieldError id="f-description" error={errors.description} />
        </div>
        <VisibilityChoice chosen={values.visibility ?? 'private'} error={errors.visibility} />
        <button type="submit">Create album</button>
      </form>
    </details>
  );
}

function VisibilityChoice({ chosen, error }: { chosen: string; error?: string }) {
  return (
    <fieldset aria-invalid={error ? 'true' : undefined}>
      <legend>Who can see it</legend>
      {(['private', 'unlisted', 'public'] as const).map((v) => (
        <label><input type="radio" name="visibility" value={v} checked={chosen === v} /> {VISIBILITY_LABELS[v]} <small>({AUDIENCE[v]})</small></label>
      ))}
      <FieldError id="visibility" error={error} />
    </fieldset>
  );
}

type PageProps = {
  album: Album; cover?: Pick<ListedImage, 'id' | 'epoch' | 'display_hash' | 'width' | 'height'>; images: ListedImage[]; next?: string; isOwner: boolean; share?: string; origin: string;
  failed?: { errors: FieldErrors; values: Record<string, string> };
};

/**
 * An album: its head (cover, title, description, owner), its images in the same grid as every
 * list, and for its owner the controls that arrange, share and delete it.
 */
export function AlbumPage({ album, cover, images, next, isOwner, share, origin, failed }: PageProps) {
  const link = { album: album.id, share };
  const state: ListState = { base: `/albums/${album.id}`, sort: 'newest', link };
  return (
    <section class="album-page" data-album={album.id}>
      {isOwner && album.sort === 'manual' && <script src="/static/album.js" type="module"></script>}
      <header class="album-head">
        {cover && (
          <img class="album-banner" src={variantUrl(cover, 'display', link)} alt="" width={cover.width} height={cover.height} />
        )}
        <div class="album-intro">
          <h1>{album.title}</h1>
          {album.description && <p class="caption">{album.description}</p>}
          <p class="muted">
            {plural(album.count)} · by <a href={`/u/${album.username}`}>{album.username}</a>
            {isOwner && <> · <Icon name={VISIBILITY_ICONS[album.visibility]} /> {VISIBILITY_LABELS[album.visibility]}</>}
          </p>
          <div class="actions">
            {album.count > 0 && (
              <a class="button secondary" href={`/albums/${album.id}/download${share ? `?share=${encodeURIComponent(share)}` : ''}`} download>
                <Icon name="file-archive" /> Download all
              </a>
            )}
            {isOwner && <a class="button secondary" href={`/upload?album=${album.id}`}><Icon name="upload" /> Upload to album</a>}
            {isOwner && <a class="button secondary" href="/dashboard"><Icon name="plus" /> Add from my images</a>}
          </div>
        </div>
      </header>
      <ImageList images={images} next={next} state={state} owner={false} actions={isOwner ? memberActions(album) : undefined}
        empty={isOwner ? 'No images yet. Add some from your images (“Add to album”), or upload into this album.' : 'This album is empty.'} />
      {isOwner && <AlbumSettings album={album} origin={origin} failed={failed} />}
    </section>
  );
}

/** The owner's controls on each tile of the album (`actions` of its grid). */
export const memberActions = (album: Album) => (image: ListedImage) => <MemberActions album={album} image={image} />;

/**
 * The owner's controls on each image of the album: remove it (htmx takes the tile away in
 * place), make it the cover, and in an arranged album move it one place (static/album.js also
 * lets tiles be dragged, and moves them in place).
 */
function MemberActions({ album, image }: { album: Album; image: ListedImage }) {
  const title = titleOf(image);
  const base = `/albums/${album.id}`;
  return (
    <span class="tile-actions album-actions">
      {album.sort === 'manual' && <MoveForm base={base} id={image.id} direction="up" label={`Move ${title} earlier`} />}
      {album.sort === 'manual' && <MoveForm base={base} id={image.id} direction="down" label={`Move ${title} later`} />}
      <form method="post" action={base} class="inline">
        <input type="hidden" name="cover" value={image.id} />
        <button type="submit" aria-label={`Make ${title} the cover`} title="Make cover" aria-pressed={album.cover_image_id === image.id ? 'true' : 'false'}>
          <Icon name="star" />
        </button>
      </form>
      <form method="post" action={`${base}/images/remove`} class="inline"
        hx-post={`${base}/images/remove`} hx-target={`#image-${image.id}`} hx-swap="delete" {...ERRORS_ON_TOP}>
        <input type="hidden" name="ids" value={image.id} />
        <button type="submit" aria-label={`Remove ${title} from the album`} title="Remove from album"><Icon name="x" /></button>
      </form>
    </span>
  );
}

/** One place earlier (`up`) or later in an arranged album: a plain form, moved in place by static/album.js. */
function MoveForm({ base, id, direction, label }: { base: string; id: string; direction: 'up' | 'down'; label: string }) {
  return (
    <form method="post" action={`${base}/order`} class="inline move" data-move={direction}>
      <input type="hidden" name="move" value={id} />
      <input type="hidden" name="direction" value={direction} />
      <button type="submit" aria-label={label} title={label}><Icon name={direction === 'up' ? 'arrow-left' : 'arrow-right'} /></button>
    </form>
  );
}

// An error answer (a fragment) goes to the top of the page, not into the grid.
const ERRORS_ON_TOP = { 'hx-status:4xx': 'target:#main swap:afterbegin', 'hx-status:5xx': 'target:#main swap:afterbegin' };

/** Title, description, order, audience and link, and deleting the album. */
function AlbumSettings({ album, origin, failed }: { album: Album; origin: string; failed?: PageProps['failed'] }) {
  const v = { title: album.title, description: album.description, sort: album.sort, visibility: album.visibility, ...failed?.values };
  const e = failed?.errors ?? {};
  const live = album.visibility === 'unlisted' && album.share_token;
  return (
    <section id="album-settings" class="album-settings" aria-labelledby="album-settings-heading">
      <h2 id="album-settings-heading">Album settings</h2>
      <form method="post" action={`/albums/${album.id}`} novalidate>
        <Field name="title" label="Title" maxlength={200} value={v.title} error={e.title} />
        <div class="field">
          <label for="f-description">Description</label>
          <textarea id="f-description" name="description" maxlength={2000} rows={3}
            aria-invalid={e.description ? 'true' : undefined}>{v.description}</textarea>
          <FieldError id="f-description" error={e.description} />
        </div>
        <div class="field">
          <label for="f-sort">Order</label>
          <select id="f-sort" name="sort">
            {(Object.keys(SORT_LABELS) as AlbumSort[]).map((s) => <option value={s} selected={v.sort === s}>{SORT_LABELS[s]}</option>)}
          </select>
        </div>
        <VisibilityChoice chosen={v.visibility} error={e.visibility} />
        <ExpiryField item={album} id="f-expires" label="An unlisted album's link expires" error={e.expires} />
        <button type="submit" class="secondary">Save album</button>
      </form>
      {live && <ShareLink id="album-link" url={`${origin}${albumUrl(album.id, album.share_token)}`} expires={album.share_expires_at}
        revoke={`/albums/${album.id}/share/revoke`} />}
      <form method="post" action={`/albums/${album.id}/delete`} class="delete-album">
        <p class="muted">Deleting the album keeps its images.</p>
        <button type="submit" class="danger"><Icon name="trash-2" /> Delete album</button>
      </form>
    </section>
  );
}

const audienceOf = (v: Album['visibility']) => (v === 'public' ? 'everyone' : 'everyone with the link');
const privateImages = (n: number) => (n === 1 ? '1 private image' : `${n} private images`);

/**
 * Asked before private images join an album others can see: a page of its own without
 * JavaScript, or (`inline`) among the upload's results.
 */
export function ConfirmAdd({ album, ids, unshared, back, inline = false }: {
  album: Pick<Album, 'id' | 'title' | 'visibility'>; ids: string[]; unshared: number; back: string; inline?: boolean;
}) {
  const heading = `Add to “${album.title}”?`;
  return (
    <section class={inline ? 'confirm-add' : 'narrow confirm-add'}>
      {inline ? <h2>{heading}</h2> : <h1>{heading}</h1>}
      <p>{privateImages(unshared)} will be visible to {audienceOf(album.visibility)} who sees this album. They stay private everywhere else.</p>
      <form method="post" action={`/albums/${album.id}/images`}>
        {ids.map((id) => <input type="hidden" name="ids" value={id} />)}
        <input type="hidden" name="confirm" value="1" />
        <input type="hidden" name="back" value={back} />
        <button type="submit">Add {plural(ids.length)}</button>{' '}
        <a href={back}>{inline ? 'Not now' : 'Cancel'}</a>
      </form>
    </section>
  );
}

/** Asked before an album with private images is shared: the edit as it was sent, and `confirm`. */
export function ConfirmShare({ album, fields, unshared }: { album: Album; fields: Record<string, string>; unshared: number }) {
  const visibility = fields.visibility as Album['visibility'];
  return (
    <section class="narrow confirm-add">
      <h1>Share “{album.title}”?</h1>
      <p>{privateImages(unshared)} in this album will be visible to {audienceOf(visibility)} who sees it. They stay private everywhere else.</p>
      <form method="post" action={`/albums/${album.id}`}>
        {Object.entries(fields).map(([name, value]) => <input type="hidden" name={name} value={value} />)}
        <input type="hidden" name="confirm" value="1" />
        <button type="submit">Make it {VISIBILITY_LABELS[visibility].toLowerCase()}</button>{' '}
        <a href={`/albums/${album.id}`}>Cancel</a>
      </form>
    </section>
  );
}

export type AlbumChoice = { id: string; title: string; visibility: Album['visibility']; member: boolean };

/**
 * A menu of the user's albums (the `album` field of the bulk bar, the upload form and an image's
 * page); `none`: the first option, chosen by default.
 */
export function AlbumSelect(p: { choices: AlbumChoice[]; id: string; label: string; none: string; selected?: string; showLabel?: boolean }) {
  return (
    <>
      <label for={p.id} class={p.showLabel ? undefined : 'visually-hidden'}>{p.label}</label>
      <select id={p.id} name="album">
        <option value="">{p.none}</option>
        {p.choices.map((a) => <option value={a.id} selected={a.id === p.selected}>{a.title}{a.visibility !== 'private' && ` (${a.visibility})`}</option>)}
      </select>
    </>
  );
}

/**
 * On an image's page, for its owner: the albums it is in, and a form to add it to another
 * (htmx swaps this section with the answer; without JavaScript, the page comes back).
 */
export function ImageAlbums({ imageId, choices, back, error }: { imageId: string; choices: AlbumChoice[]; back: string; error?: string }) {
  const member = choices.filter((a) => a.member);
  const others = choices.filter((a) => !a.member);
  return (
    <section id="albums" aria-labelledby="albums-heading">
      <h2 id="albums-heading">Albums</h2>
      {member.length > 0
        ? <ul class="album-chips">{member.map((a) => <li><a href={albumUrl(a.id)}><Icon name="album" /> {a.title}</a></li>)}</ul>
        : <p class="muted">In no album yet.</p>}
      {others.length > 0 ? (
        <form method="post" action="/albums/add" class="add-to-album" hx-post="/albums/add" hx-target="#albums" hx-swap="outerHTML">
          <input type="hidden" name="ids" value={imageId} />
          <input type="hidden" name="back" value={back} />
          <AlbumSelect choices={others} id="add-album" label="Album to add it to" none="Choose an album…" />
          <button type="submit" class="secondary"><Icon name="plus" /> Add to album</button>
          <FieldError id="add-album" error={error} />
        </form>
      ) : choices.length === 0 && <p><a href="/albums">Make an album</a> to gather images.</p>}
    </section>
  );
}

/** The small confirmation that htmx puts in place of the image page's album form. */
export function ConfirmAddInline({ album, ids, back }: { album: Pick<Album, 'id' | 'title' | 'visibility'>; ids: string[]; back: string }) {
  return (
    <section id="albums" aria-labelledby="albums-heading">
      <h2 id="albums-heading">Albums</h2>
      <form method="post" action={`/albums/${album.id}/images`} hx-post={`/albums/${album.id}/images`} hx-target="#albums" hx-swap="outerHTML" class="confirm-inline">
        <p role="alert">This private image will be visible to {audienceOf(album.visibility)} who sees “{album.title}”.</p>
        {ids.map((id) => <input type="hidden" name="ids" value={id} />)}
        <input type="hidden" name="confirm" value="1" />
        <input type="hidden" name="back" value={back} />
        <button type="submit">Add anyway</button>{' '}
        <a href={back}>Cancel</a>
      </form>
    </section>
  );
}
