// Small enhancements on top of server-rendered pages; everything works without this file.
import { thumbHashToDataURL } from './vendor/thumbhash.js';

/** Paints each thumbnail's ThumbHash as its background until the image itself has loaded. */
function paintPlaceholders(root) {
  for (const el of root.querySelectorAll('[data-thumbhash]:not([data-painted])')) {
    el.dataset.painted = '';
    try {
      const hash = Uint8Array.from(atob(el.dataset.thumbhash), (ch) => ch.charCodeAt(0));
      // Set through the CSSOM: allowed by our CSP, unlike a style attribute in the markup.
      el.style.backgroundImage = `url(${thumbHashToDataURL(hash)})`;
    } catch {
      // A malformed hash only costs the placeholder.
    }
  }
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Shows each `<time data-local>` (UTC in the markup) in the reader's own time zone. */
function localiseTimes(root) {
  for (const el of root.querySelectorAll('time[data-local]:not([data-localised])')) {
    el.dataset.localised = '';
    const date = new Date(el.dateTime);
    if (!Number.isNaN(date.getTime())) el.textContent = timeFormat.format(date);
  }
}

/** Controls that only work with this script: copy buttons, the bulk bar's selection count. */
function showScripted(root) {
  for (const el of root.querySelectorAll('[data-copy][hidden], .bulk-bar .selection[hidden]')) el.hidden = false;
}

const enhance = (root) => {
  paintPlaceholders(root);
  localiseTimes(root);
  showScripted(root);
};
document.documentElement.classList.add('js');
enhance(document);
// htmx appends list pages and upload results: enhance where things arrive.
new MutationObserver((records) => {
  for (const target of new Set(records.map((r) => r.target))) if (target.isConnected) enhance(target);
}).observe(document.body, { childList: true, subtree: true });

document.addEventListener('click', (event) => event.target.closest?.('[data-dismiss]')?.closest('.toast')?.remove());
// A new toast (a delete's Undo) takes the focus: the button that caused it has just left the page.
const toasts = document.getElementById('toasts');
if (toasts) {
  new MutationObserver((records) => {
    const added = records.flatMap((r) => [...r.addedNodes]).find((node) => node.classList?.contains('toast'));
    added?.querySelector('button')?.focus();
  }).observe(toasts, { childList: true, subtree: true });
}

// Copy buttons: `data-copy` names the input whose value goes to the clipboard.
document.addEventListener('click', async (event) => {
  const button = event.target.closest?.('button[data-copy]');
  if (!button) return;
  const input = document.getElementById(button.dataset.copy);
  if (!input) return;
  try {
    await navigator.clipboard.writeText(input.value);
    const label = button.lastChild;
    label.textContent = ' Copied';
    setTimeout(() => (label.textContent = ' Copy'), 2000);
  } catch {
    // No clipboard permission: select the text so the person can copy it themselves.
    input.select();
  }
});

// A list's sort applies as soon as it changes.
document.addEventListener('change', (event) => {
  if (event.target.matches?.('select[data-autosubmit]')) event.target.form.requestSubmit();
});

// The bulk bar's album menu matters only to "Add to album": shown then (always without this script).
const showAlbumMenu = () => {
  const action = document.getElementById('bulk-action');
  const menu = document.querySelector('.bulk-album');
  if (action && menu) menu.hidden = action.value !== 'album';
};
document.addEventListener('change', (event) => {
  if (event.target.id === 'bulk-action') showAlbumMenu();
});
showAlbumMenu();

// Dashboard selection: "N selected", select all / none, and shift-click ticks (or unticks)
// every box between the last one and this one.
const countSelected = () => {
  const count = document.getElementById('selected-count');
  if (count) count.value = `${document.querySelectorAll('input.select:checked').length} selected`;
};
let lastBox = null;
document.addEventListener('click', (event) => {
  const all = event.target.closest?.('[data-select]');
  if (all) {
    for (const b of document.querySelectorAll('input.select')) b.checked = all.dataset.select === 'all';
    countSelected();
    return;
  }
  const box = event.target.closest?.('input.select');
  if (!box) return;
  if (event.shiftKey && lastBox?.isConnected && lastBox !== box) {
    const boxes = [...document.querySelectorAll('input.select')];
    const [from, to] = [boxes.indexOf(lastBox), boxes.indexOf(box)].sort((a, b) => a - b);
    for (const b of boxes.slice(from, to + 1)) b.checked = box.checked;
  }
  lastBox = box;
  countSelected();
});
countSelected();

// Back to a list that had grown by infinite scroll: the browser reloads only its first page, so
// the position it restores would be somewhere else. Each list is kept as it was when left
// (per URL, the few most recent), and put back with its scroll position on Back or Forward.
const grid = document.querySelector('ul#images');
const KEPT = 'kept:';
const keptLists = () => Object.keys(sessionStorage).filter((k) => k.startsWith(KEPT));
if (grid) {
  const [nav] = performance.getEntriesByType('navigation');
  const kept = nav?.type === 'back_forward' && JSON.parse(sessionStorage.getItem(KEPT + location.href) ?? 'null');
  if (kept?.html) {
    grid.innerHTML = kept.html;
    window.htmx?.process(grid);
    countSelected();
    // The browser restores its own position too, possibly later and against the shorter page.
    history.scrollRestoration = 'manual';
    const restore = () => scrollTo(0, kept.y);
    restore();
    addEventListener('load', restore, { once: true });
  }
  addEventListener('pagehide', () => {
    try {
      // Without what this script painted: style attributes would break the CSP when put back.
      const copy = grid.cloneNode(true);
      for (const el of copy.querySelectorAll('[data-painted]')) {
        el.removeAttribute('style');
        delete el.dataset.painted;
      }
      sessionStorage.setItem(KEPT + location.href, JSON.stringify({ at: Date.now(), html: copy.innerHTML, y: scrollY }));
      const newestFirst = keptLists().map((k) => [k, JSON.parse(sessionStorage.getItem(k)).at]).sort((x, y) => y[1] - x[1]);
      for (const [k] of newestFirst.slice(5)) sessionStorage.removeItem(k);
    } catch {
      // Storage full or refused: Back then shows the first page, as without this script.
    }
  });
}
// Logging out forgets them: whoever uses this tab next must not find them behind Back.
document.addEventListener('submit', (event) => {
  if (event.target.matches?.('form[action="/logout"]')) for (const k of keptLists()) sessionStorage.removeItem(k);
});

// Image page: the arrow keys go to the previous / next image of the list it was opened from.
document.addEventListener('keydown', (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest?.('input, textarea, select')) return;
  const rel = { ArrowLeft: 'prev', ArrowRight: 'next' }[event.key];
  const link = rel && document.querySelector(`nav.pager a[rel="${rel}"]`);
  if (link) link.click();
});
