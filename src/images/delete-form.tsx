import { Icon } from '../web/icons.tsx';
import { imageUrl } from './urls.ts';

type Props = {
  id: string;
  filename: string;
  /**
   * The list the page shows or was opened from, as the image page's query names it
   * (`in=dashboard&q=…&sort=…`): where the delete returns, and its Undo too.
   */
  context?: string;
};

/**
 * Moves the image to the trash (it can be undone, so nothing asks first): a plain POST form,
 * which returns to `context`'s list with an Undo. (A grid's tiles write their own, with htmx:
 * images/grid.tsx.)
 */
export function DeleteForm({ id, filename, context }: Props) {
  return (
    <form method="post" action={`${imageUrl(id)}/delete${context ? `?${context}` : ''}`} class="inline">
      <button type="submit" class="danger" aria-label={`Delete ${filename}`}>
        <Icon name="trash-2" /> Delete
      </button>
    </form>
  );
}
