import { altOf, titleOf } from '../images/names.ts';
import type { TrashedImage } from '../images/trash.sql.ts';
import { FormError } from '../web/forms.tsx';
import { LocalTime, plural } from '../web/format.tsx';
import { ELLIPSIS } from '../web/one-byte.ts';
import { Icon } from '../web/icons.tsx';

const DAY = 86_400_000;

/** A thumbnail of an image in the trash: served to its owner only, by the trash's own route. */
export const trashThumbUrl = (i: Pick<TrashedImage, 'id' | 'thumb_hash' | 'thumb2x_hash'>, variant: 'thumb' | 'thumb2x') =>
  `/trash/${i.id}/${variant}/${i[`${variant}_hash`]}.webp`;

function Tile({ image, trashDays }: { image: TrashedImage; trashDays: number }) {
  const purgeAt = new Date(image.deleted_at.getTime() + trashDays * DAY);
  return (
    <li class="tile" id={`trash-${image.id}`}>
      <label>
        <input type="checkbox" name="ids" value={image.id} form="selected-trash" aria-label={`Select ${titleOf(image)}`} />
        <img src={trashThumbUrl(image, 'thumb')} srcset={`${trashThumbUrl(image, 'thumb2x')} 2x`} alt={altOf(image)}
          loading="lazy" decoding="async" width={image.width} height={image.height} />
        <span class="title">{titleOf(image)}</span>
      </label>
      <small>
        Deleted <LocalTime date={image.deleted_at} />; deleted for good <LocalTime date={purgeAt} />
      </small>
    </li>
  );
}

type TrashProps = { images: TrashedImage[]; next?: string; trashDays: number; error?: string };

/**
 * The user's trash: tick images to restore them or delete them for good; or empty it whole.
 * The tiles' checkboxes name the selection form (`form=`), so the grid needs no form around it.
 */
export function TrashPage({ images, next, trashDays, error }: TrashProps) {
  return (
    <section>
      <div class="heading">
        <h1>Trash</h1>
        {images.length > 0 && (
          <form method="post" action="/trash/empty" class="inline">
            <button type="submit" class="danger"><Icon name="trash-2" /> Empty trash</button>
          </form>
        )}
      </div>
      <p class="hint">
        Deleted images wait here for {trashDays} day{trashDays === 1 ? '' : 's'}, then they are deleted for good.
        Until then they still count against your storage.
      </p>
      {images.length === 0 ? <><FormError error={error} /><p class="empty">The trash is empty.</p></> : (
        <>
          <form id="selected-trash" method="post" action="/trash/restore" class="bulk-bar">
            <button type="submit"><Icon name="rotate-ccw" /> Restore selected</button>
            {/* `selected`: these are the ticked images only, so none ticked is refused, never "all". */}
            <button type="submit" class="danger secondary" formaction="/trash/empty" name="selected" value="1">Delete selected for good{ELLIPSIS}</button>
            <FormError error={error} />
          </form>
          <ul class="grid trash-grid">{images.map((image) => <Tile image={image} trashDays={trashDays} />)}</ul>
          {next && <p class="more"><a href={`/trash?cursor=${next}`} rel="next">Next page</a></p>}
        </>
      )}
    </section>
  );
}

/** Asked before anything leaves the trash for good: `ids` when some were selected, else all of it. */
export function ConfirmEmpty({ count, ids }: { count: number; ids?: string[] }) {
  return (
    <section class="narrow">
      <h1>{ids ? `Delete ${plural(count)} for good?` : 'Empty the trash?'}</h1>
      <p>{ids ? 'They' : `All ${plural(count)} in the trash`} will be deleted for good. This cannot be undone.</p>
      <form method="post" action="/trash/empty">
        {ids && <input type="hidden" name="selected" value="1" />}
        {ids?.map((id) => <input type="hidden" name="ids" value={id} />)}
        <input type="hidden" name="confirm" value="1" />
        <button type="submit" class="danger">{ids ? `Delete ${plural(count)} for good` : 'Empty trash'}</button>{' '}
        <a href="/trash">Cancel</a>
      </form>
    </section>
  );
}
