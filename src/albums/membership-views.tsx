import type { Child } from 'hono/jsx';
import { VISIBILITY_LABELS } from '../images/views.tsx';
import { FieldError } from '../web/forms.tsx';
import { plural } from '../web/format.tsx';
import { ELLIPSIS, oneByte } from '../web/one-byte.ts';
import { Icon } from '../web/icons.tsx';
import type { Album } from './albums.sql.ts';
import { albumUrl } from './urls.ts';

// Which albums an image is in, and the questions asked before private images join a shared one.

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
export function AlbumSelect(p: { choices: AlbumChoice[]; id: string; label: string; none: Child; selected?: string; showLabel?: boolean }) {
  return (
    <>
      <label for={p.id} class={p.showLabel ? undefined : 'visually-hidden'}>{p.label}</label>
      <select id={p.id} name="album">
        <option value="">{p.none}</option>
        {p.choices.map((a) => <option value={a.id} selected={a.id === p.selected}>{oneByte(a.title)}{a.visibility !== 'private' && ` (${a.visibility})`}</option>)}
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
          <AlbumSelect choices={others} id="add-album" label="Album to add it to" none={<>Choose an album{ELLIPSIS}</>} />
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
