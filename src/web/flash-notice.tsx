import { decodeFlash, type Undo } from './flash.ts';
import type { Child } from 'hono/jsx';
import { Icon } from './icons.tsx';

/**
 * A delete's Undo: a plain form (it works without JavaScript) that takes the images out of the
 * trash and goes back to the list they left.
 */
export function UndoForm({ undo }: { undo: Undo }) {
  return (
    <form method="post" action="/trash/restore" class="inline undo">
      {undo.ids.map((id) => <input type="hidden" name="ids" value={id} />)}
      <input type="hidden" name="back" value={undo.back} />
      <button type="submit" class="secondary"><Icon name="undo-2" /> Undo</button>
    </form>
  );
}

/** The one-time message after a redirect (`flash` as the cookie held it), at the top of the page. */
export function FlashNotice({ flash }: { flash: string }) {
  const f = decodeFlash(flash);
  if (!f) return <></>;
  if (!f.undo) return <p class="flash" role="status">{f.message}</p>;
  return (
    <div class="flash" role="status">
      <span>{f.message}</span> <UndoForm undo={f.undo} />
    </div>
  );
}

/**
 * A message htmx puts into the layout's live `#toasts` region, while the rest of its answer (if
 * any) goes where the request aimed; `alert` for an error. An error takes the place of the last
 * error and a notice that of the last notice, so an error leaves the Undo before it. Dismissable.
 */
export function Toast({ alert, children }: { alert?: boolean; children: Child }) {
  return (
    <hx-partial hx-target={alert ? '#alert-toast' : '#notice-toast'} hx-swap="innerHTML">
      <div class={alert ? 'toast alert' : 'toast'} role={alert ? 'alert' : undefined}>
        {children}
        {/* static/app.js removes the toast (htmx puts toasts in only where scripts run). */}
        <button type="button" class="icon-button" data-dismiss aria-label="Dismiss"><Icon name="x" /></button>
      </div>
    </hx-partial>
  );
}

/** The same message and Undo for htmx (a deleted card leaves the grid meanwhile). */
export function UndoToast({ message, undo }: { message: string; undo: Undo }) {
  return <Toast><span>{message}</span> <UndoForm undo={undo} /></Toast>;
}
