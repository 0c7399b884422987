// An arranged album, for its owner: tiles can be dragged into place, and the "Move earlier /
// later" buttons move their tile in place. Each change is sent as the new order of the tiles on
// the page (POST /albums/<id>/order, `ids`); without this script the same buttons are plain forms.
const page = document.querySelector('.album-page[data-album]');
const grid = page?.querySelector('#images');

/** Sends the order of the tiles the page shows; on failure, the page as the server has it. */
async function saveOrder() {
  const ids = [...grid.querySelectorAll('li.tile')].map((li) => li.id.replace(/^image-/, ''));
  const body = new URLSearchParams(ids.map((id) => ['ids', id]));
  const res = await fetch(`/albums/${page.dataset.album}/order`, { method: 'POST', body, headers: { 'X-Fragment': '1' } }).catch(() => null);
  if (!res?.ok) location.reload();
}

if (grid) {
  let dragged = null;
  for (const tile of grid.querySelectorAll('li.tile')) tile.draggable = true;
  grid.addEventListener('dragstart', (e) => {
    dragged = e.target.closest('li.tile');
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
    saveOrder();
  });
  grid.addEventListener('submit', (e) => {
    const form = e.target.closest('form[data-move]');
    const tile = form?.closest('li.tile');
    const other = form?.dataset.move === 'up' ? tile?.previousElementSibling : tile?.nextElementSibling;
    // Past the first or last tile on the page the plain form goes, and the page comes back.
    if (!other?.matches('li.tile')) return;
    e.preventDefault();
    if (form.dataset.move === 'up') other.before(tile);
    else other.after(tile);
    form.querySelector('button').focus();
    saveOrder();
  });
}
