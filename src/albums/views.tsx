import type { Child } from 'hono/jsx';
import type { ListedImage } from '../images/list.sql.ts';
import { ImageList, ListItems, VISIBILITY_ICONS, type ListState } from '../images/grid.tsx';
import { HiddenNotice, ReportForm, VISIBILITY_LABELS } from '../images/views.tsx';
import { altOf } from '../images/names.ts';
import { variantUrl } from '../images/urls.ts';
import type { FieldErrors } from '../web/forms.tsx';
import { plural } from '../web/format.tsx';
import { Icon } from '../web/icons.tsx';
import type { Album, AlbumCard } from './albums.sql.ts';
import { AlbumSettings, memberActions } from './owner-views.tsx';
import type { Cover } from './preview.tsx';
import { albumUrl } from './urls.ts';


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
export type AlbumPageProps = {
  album: Album; cover?: Cover; isOwner: boolean; share?: string; origin: string;
  /** Its images: `AlbumImages`. */
  list: Child;
  failed?: { errors: FieldErrors; values: Record<string, string> };
  /** Its links and embed codes, when anyone may see it. */
  embed?: Child;
  /** Someone signed in who is not its owner: they may report it. */
  mayReport?: boolean;
};

type ImagesProps = { album: Album; images: ListedImage[]; next?: string; isOwner: boolean; share?: string };
/** What an album's grid is made of: its images, its links and its owner's controls on each. */
const gridOf = ({ album, images, next, isOwner, share }: ImagesProps) => ({
  images, next, owner: false, actions: isOwner ? memberActions(album) : undefined,
  state: { base: `/albums/${album.id}`, sort: 'newest', link: { album: album.id, share } } satisfies ListState,
});

/** An album's images in the same grid as every list, with its owner's controls on each. */
export function AlbumImages(props: ImagesProps) {
  return <ImageList {...gridOf(props)}
    empty={props.isOwner ? 'No images yet. Add some from your images (“Add to album”), or upload into this album.' : 'This album is empty.'} />;
}

/** The next of an album's images, for its grid's infinite scroll. */
export const MoreAlbumImages = (props: ImagesProps) => <ListItems {...gridOf(props)} />;

/**
 * An album: its head (cover, title, description, owner), its images (`list`), and for its owner
 * the controls that arrange, share and delete it.
 */
export function AlbumPage({ album, cover, list, isOwner, share, origin, failed, embed, mayReport }: AlbumPageProps) {
  const link = { album: album.id, share };
  return (
    <section class="album-page" data-album={album.id}>
      {isOwner && album.sort === 'manual' && <script src="/static/album.js" type="module"></script>}
      <header class="album-head">
        {cover && (
          <img class="album-banner" src={variantUrl(cover, 'display', link)} alt="" width={cover.width} height={cover.height} />
        )}
        <div class="album-intro">
          {isOwner && album.hidden_at && <HiddenNotice reason={album.hidden_reason} what="album" />}
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
          {embed}
          {mayReport && <ReportForm action={`/albums/${album.id}/report${share ? `?share=${encodeURIComponent(share)}` : ''}`} what="album" />}
        </div>
      </header>
      {list}
      {isOwner && <AlbumSettings album={album} origin={origin} failed={failed} />}
    </section>
  );
}
