import { Icon } from '../web/icons.tsx';
import { imageUrl } from './urls.ts';

type Props = {
  id: string;
  filename: string;
  /** On a card of a grid (`#image-<id>`), which leaves the grid at once with htmx. */
  inCard?: boolean;
  /**
   * The list the page shows or was opened from, as the image page's query names it
   * (`in=dashboard&q=…&sort=…`): where the delete returns, and its Undo too.
   */
  context?: string;
};

/**
 * Moves the image to the trash (it can be undone, so nothing asks first). A plain POST form
 * without JavaScript, which returns to `context`'s list with an Undo. On a card, htmx sends DELETE
 * instead: the card leaves the grid and the answer brings an Undo toast; an error answer (a
 * fragment) goes to the top of the page, not into the grid.
 */
export function DeleteForm({ id, filename, inCard = false, context }: Props) {
  const htmx = inCard
    ? {
      'hx-delete': imageUrl(id), 'hx-target': `#image-${id}`, 'hx-swap': 'delete',
      'hx-status:4xx': 'target:#main swap:afterbegin', 'hx-status:5xx': 'target:#main swap:afterbegin',
    }
    : {};
  return (
    <form method="post" action={`${imageUrl(id)}/delete${context ? `?${context}` : ''}`} class="inline" {...htmx}>
      <button type="submit" class="danger" aria-label={`Delete ${filename}`}>
        {/* On a tile the icon alone: the button is a small round one over the picture. */}
        <Icon name="trash-2" />{inCard ? <span class="visually-hidden">Delete</span> : ' Delete'}
      </button>
    </form>
  );
}
