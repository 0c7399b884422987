// An arranged album, for its owner: tiles can be dragged into place, and the "Move earlier /
// later" buttons move their tile in place. Each change sends the tiles between the first and the
// last one that moved, in their new order (POST /albums/<id>/order, `ids`: they take the places
// they held between them). Without this script the same buttons are plain forms.
const page = document.querySelector('.album-page[data-album]');
const grid = page?.querySelector('#images');
const tileIds = () => [...grid.querySelectorAll('li.tile')].map((li) => li.id.replace(/^image-/, ''));

/** Sends what changed from `before` to now; on failure, the page as the server has it. */
async function saveOrder(before) {
  const after = tileIds();
  const first = after.findIndex((id, i) => id !== before[i]);
  if (first < 0) return;
  let last = after.length - 1;
  while (after[last] === before[last]) last -= 1;
  const body = new URLSearchParams(after.slice(first, last + 1).map((id) => ['ids', id]));
  const res = await fetch(`/albums/${page.dataset.album}/order`, { method: 'POST', body, headers: { 'X-Fragment': '1' } }).catch(() => null);
  if (!res?.ok) location.reload();
}

if (grid) {
  // Tiles of later pages arrive by infinite scroll: each becomes draggable as it comes.
  const draggable = () => { for (const tile of grid.querySelectorAll('li.tile:not([draggable])')) tile.draggable = true; };
  draggable();
  new MutationObserver(draggable).observe(grid, { childList: true });

  let dragged = null;
  let before = [];
  grid.addEventListener('dragstart', (e) => {
    dragged = e.target.closest('li.tile');
    before = tileIds();
    dragged?.classList.add('dragging');
  });
  grid.addEventListener('dragover', (e) => {
    const over = e.target.closest('li.tile');
    if (!dragged || !over || over === dragged) return;
    e.preventDefault();
    const box = over.getBoundingClientRect();
    over.parentNode.insertBefore(dragged, e.clientX > box.left + box.width / 2 ? over.nextSibling : over);
  });
  grid.addEventListener('drop', (e) => e.preventDefault());
  grid.addEventListener('dragend', () => {
    dragged?.classList.remove('dragging');
    dragged = null;
    saveOrder(before);
  });
  grid.addEventListener('submit', (e) => {
    const form = e.target.closest('form[data-move]');
    const tile = form?.closest('li.tile');
    const other = form?.dataset.move === 'up' ? tile?.previousElementSibling : tile?.nextElementSibling;
    // Past the first or last tile on the page the plain form goes, and the page comes back.
    if (!other?.matches('li.tile')) return;
    e.preventDefault();
    const was = tileIds();
    if (form.dataset.move === 'up') other.before(tile);
    else other.after(tile);
    form.querySelector('button').focus();
    saveOrder(was);
  });
}
