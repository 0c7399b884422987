// The viewer: with JavaScript, a thumbnail in any grid opens its image over the page (PhotoSwipe),
// fitted to the screen, with zoom, swipe and the arrow keys through the same list. Thumbnails
// stay links to the image page, so without this file (or with a modified click) nothing changes.
// This file is all a page loads up front; PhotoSwipe and its styles come on the first open.
import { icon } from './icon.js';
const THUMB = 'a.thumb[data-pswp-src]';

let loading;
/** PhotoSwipe's class, once its module and both style sheets have arrived. */
function load() {
  loading ??= Promise.all([
    import('./vendor/photoswipe.esm.min.js'),
    stylesheet('/static/vendor/photoswipe.css'),
    stylesheet('/static/viewer.css'),
  ]).then(([module]) => module.default, (error) => {
    loading = undefined; // let the next click try again
    throw error;
  });
  return loading;
}

// Linked style sheets, not <style>: our Content-Security-Policy allows only files of this origin.
function stylesheet(href) {
  return new Promise((resolve, reject) => {
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href });
    link.addEventListener('load', resolve);
    link.addEventListener('error', reject);
    document.head.append(link);
  });
}

const plainClick = (event) => event.button === 0 && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);

// Delegated from the document: tiles that htmx appends later (infinite scroll) open too.
document.addEventListener('pointerdown', (event) => {
  if (event.target.closest?.(THUMB)) load().catch(() => {});
});
document.addEventListener('click', (event) => {
  const link = event.target.closest?.(THUMB);
  if (!link || !link.closest('.grid') || event.defaultPrevented || !plainClick(event)) return;
  event.preventDefault();
  open(link);
});

let current; // the open viewer: { pswp, popped }, set from the click on

async function open(link) {
  if (current) return;
  current = { pswp: null, popped: false };
  let PhotoSwipe;
  try {
    PhotoSwipe = await load();
  } catch {
    current = undefined;
    location.assign(link.href); // the image page does the same job
    return;
  }
  const grid = link.closest('.grid');
  // PhotoSwipe reads the tiles from the grid and keeps the list in `items`: forgotten when the
  // grid changes, so it is read again with the new tiles.
  const source = { gallery: grid };
  const tiles = () => (source.items ??= [...grid.querySelectorAll(THUMB)]);
  const pswp = new PhotoSwipe({
    dataSource: source,
    children: THUMB,
    index: Math.max(0, tiles().indexOf(link)),
    mainClass: 'viewer',
    loop: false,
    bgOpacity: 1,
    wheelToZoom: true,
    // Zooming in shows the image at full resolution, and always at least twice as large: an
    // image that already fits at its own size can still be looked at closely.
    secondaryZoomLevel: (zoom) => Math.max(Math.min(1, zoom.fit * 3), zoom.fit * 2),
    // A click on the image shows or hides the controls, as a tap does; a double click zooms.
    imageClickAction: 'toggle-controls',
    returnFocus: false,
    closeTitle: 'Close',
    zoomTitle: 'Zoom in or out',
    arrowPrevTitle: 'Previous image',
    arrowNextTitle: 'Next image',
    errorMsg: 'This image could not be loaded.',
    paddingFn: (viewport) => (viewport.y > 480 && viewport.x > 600 ? { top: 56, bottom: 56, left: 0, right: 0 } : { top: 0, bottom: 0, left: 0, right: 0 }),
  });
  current.pswp = pswp;
  const state = current;

  pswp.on('uiRegister', () => {
    pswp.element.setAttribute('aria-label', 'Image viewer');
    pswp.element.setAttribute('aria-modal', 'true');
    pswp.ui.registerElement({ name: 'viewer-caption', appendTo: 'root', isButton: false, onInit: captionOf(pswp) });
  });
  // A thumbnail scrolled out of sight has no place to zoom back to: fade instead.
  pswp.addFilter('thumbBounds', (bounds, data) => {
    const box = data.element?.getBoundingClientRect();
    return box && box.bottom > 0 && box.top < innerHeight ? bounds : undefined;
  });
  pswp.on('change', () => {
    const shown = pswp.currSlide?.data.element;
    if (shown) history.replaceState(history.state, '', shown.href);
    if (pswp.currIndex >= pswp.getNumItems() - 3) askForMore(grid);
  });
  pswp.on('bindEvents', () => {
    pswp.events.add(pswp.scrollWrap, 'dblclick', (event) => {
      if (event.target.classList.contains('pswp__img')) pswp.currSlide?.toggleZoom({ x: event.clientX, y: event.clientY });
    });
  });
  const grown = new MutationObserver(() => {
    const before = source.items?.length ?? 0;
    source.items = undefined;
    // Tiles appended after the one shown: give the next slot its image and the arrow its state.
    if (tiles().length > before) pswp.refreshSlideContent(before);
  });
  grown.observe(grid, { childList: true, subtree: true });
  pswp.on('close', () => {
    grown.disconnect();
    // Leave the image's history entry we added, unless Back already did.
    if (!state.popped) {
      state.popped = true;
      history.back();
    }
  });
  pswp.on('destroy', () => {
    current = undefined;
    const last = pswp.currSlide?.data.element;
    const shown = last?.isConnected ? last : link;
    shown.focus({ preventScroll: true });
    const box = shown.getBoundingClientRect();
    if (box.bottom < 0 || box.top > innerHeight) shown.scrollIntoView({ block: 'nearest' });
  });

  // The URL names the image shown, so it can be shared or reloaded; Back closes the viewer.
  history.pushState({ viewer: true }, '', link.href);
  pswp.init();
}

addEventListener('popstate', (event) => {
  // Forward again to an image the viewer showed: the list is on screen under the image's URL,
  // so load what that URL names (the image page).
  if (!current?.pswp && event.state?.viewer) {
    location.reload();
    return;
  }
  if (!current?.pswp || current.popped) return;
  current.popped = true;
  const { pswp } = current;
  // PhotoSwipe ignores a close while it is still opening: close once it has opened.
  if (pswp.opener.isOpening) pswp.on('openingAnimationEnd', () => pswp.close());
  else pswp.close();
});

/** The image's title and a link to its page, kept in step with the slide shown. */
function captionOf(pswp) {
  return (el) => {
    el.classList.add('viewer-caption', 'pswp__hide-on-close');
    const title = document.createElement('p');
    title.className = 'viewer-title';
    const details = document.createElement('a');
    details.className = 'viewer-details';
    details.append(icon('info'), 'Details');
    el.append(title, details);
    pswp.on('change', () => {
      const link = pswp.currSlide?.data.element;
      if (!link) return;
      title.textContent = link.dataset.title || link.querySelector('img')?.alt || '';
      details.href = link.href;
      details.setAttribute('aria-label', `Details of ${title.textContent}`);
    });
  };
}


/** Near the end of what is loaded, load the grid's next page as scrolling to it would. */
function askForMore(grid) {
  const more = grid.querySelector('li.more a[rel="next"][hx-get]');
  // Without htmx the link would leave the page; with it, it swaps in the next page's tiles.
  if (!more || !window.htmx || more.dataset.asked) return;
  more.dataset.asked = '';
  more.click();
}
