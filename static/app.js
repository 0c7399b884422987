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

paintPlaceholders(document);
// htmx appends list pages and upload results: paint what arrives.
new MutationObserver(() => paintPlaceholders(document)).observe(document.body, { childList: true, subtree: true });

// Dashboard selection: shift-click ticks (or unticks) every box between the last one and this one.
let lastBox = null;
document.addEventListener('click', (event) => {
  const box = event.target.closest?.('input.select');
  if (!box) return;
  if (event.shiftKey && lastBox && lastBox !== box) {
    const boxes = [...document.querySelectorAll('input.select')];
    const [from, to] = [boxes.indexOf(lastBox), boxes.indexOf(box)].sort((a, b) => a - b);
    for (const b of boxes.slice(from, to + 1)) b.checked = box.checked;
  }
  lastBox = box;
});

// Image page: the arrow keys go to the previous / next image of the list it was opened from.
document.addEventListener('keydown', (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest?.('input, textarea, select')) return;
  const rel = { ArrowLeft: 'prev', ArrowRight: 'next' }[event.key];
  const link = rel && document.querySelector(`nav.pager a[rel="${rel}"]`);
  if (link) link.click();
});
