import { imageUrl } from './urls.ts';

/**
 * A plain POST form without JavaScript; with htmx it sends DELETE and the closest card (if any)
 * leaves the page. An error answer (a fragment) goes to the top of the page, not into the grid.
 */
export function DeleteForm({ id, filename, inCard = false }: { id: string; filename: string; inCard?: boolean }) {
  const htmx = inCard
    ? {
      'hx-delete': imageUrl(id), 'hx-confirm': `Delete ${filename}?`, 'hx-target': 'closest li', 'hx-swap': 'outerHTML',
      'hx-status:4xx': 'target:#main swap:afterbegin', 'hx-status:5xx': 'target:#main swap:afterbegin',
    }
    : {};
  return (
    <form method="post" action={`${imageUrl(id)}/delete`} class="inline" {...htmx}>
      <button type="submit" class="danger" aria-label={`Delete ${filename}`}>Delete</button>
    </form>
  );
}
