import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ListItems, type ListState } from './grid.tsx';
import type { ListedImage } from './list.sql.ts';
import { memberActions } from '../albums/owner-views.tsx';
import type { Album } from '../albums/albums.sql.ts';

// The grid keeps the tiles it wrote on the frozen rows they were written from: these hold that
// cache to what a tile shows.

const image = (over: Partial<ListedImage> = {}): ListedImage => ({
  id: 'img-1', filename: 'harbour.jpg', title: 'Harbour', alt_text: 'Boats at the quay', visibility: 'public', width: 4000, height: 3000,
  bytes: 1234, placeholder: 'YJqGPQw7', thumb_hash: 'aaaa', thumb2x_hash: 'bbbb', display_hash: 'cccc', epoch: 0,
  created_at: new Date('2026-01-01T00:00:00Z'), hidden_at: null, username: 'alice', ts: '2026-01-01 00:00:00+00', ...over,
});
const gallery: ListState = { base: '/gallery', sort: 'newest' };
const tiles = (images: ListedImage[], state = gallery, owner = true) => `${ListItems({ images, state, owner, byline: true })}`;
// An album's grid as its owner sees it: each tile with the controls that arrange the album.
const albumState: ListState = { base: '/albums/al-own', sort: 'newest', link: { album: 'al-own' } };
const arranged = (images: ListedImage[], album: Partial<Album> = {}) =>
  `${ListItems({ images, state: albumState, owner: false, actions: memberActions({ id: 'al-own', sort: 'manual', cover_image_id: null, ...album } as Album) })}`;

/** `row` behind a Proxy that records the fields read from it. */
function watch(target: ListedImage) {
  const read = new Set<string>();
  const row = new Proxy(target, {
    get(target, field, receiver) {
      if (typeof field === 'string') read.add(field);
      return Reflect.get(target, field, receiver);
    },
  });
  return { row, read };
}

describe('the tiles of a grid', () => {
  test('a frozen row serves its tile again without a field of it being read; an unfrozen one is written each time', () => {
    const kept = watch(Object.freeze(image({ id: 'img-kept', hidden_at: new Date() })));
    const first = tiles([kept.row]);
    assert.ok(kept.read.has('placeholder') && kept.read.has('hidden_at'), 'the tile was written');
    kept.read.clear();
    assert.equal(tiles([kept.row]), first);
    assert.deepEqual([...kept.read], [], 'served as kept');
    const fresh = watch(image({ id: 'img-kept', hidden_at: new Date() }));
    tiles([fresh.row]);
    fresh.read.clear();
    tiles([fresh.row]);
    assert.ok(fresh.read.has('placeholder'), 'a row that may change is written again');
  });

  test('a row keeps the tiles of its last two lists', () => {
    const { row, read } = watch(Object.freeze(image({ id: 'img-lists-kept' })));
    const searches = ['a', 'b', 'c'].map((q): ListState => ({ base: '/gallery', q, sort: 'newest' }));
    const written = searches.map((state) => tiles([row], state, false));
    read.clear();
    assert.deepEqual(searches.slice(1).map((state) => tiles([row], state, false)), written.slice(1));
    assert.deepEqual([...read], [], 'the last two are kept');
    assert.equal(tiles([row], searches[0], false), written[0]);
    assert.ok(read.has('title'), 'the first was let go, and is written again');
  });

  test('a tile is written again when anything it shows changed', () => {
    const before = tiles([image({ id: 'img-change' })]);
    assert.match(before, /Harbour/);
    const changes: Partial<ListedImage>[] = [
      { title: 'Quay at dawn' }, { alt_text: 'Fishing boats' }, { epoch: 1 }, { display_hash: 'dddd' }, { visibility: 'private' },
      { username: 'bob' }, { width: 3000, height: 4000 }, { hidden_at: new Date('2026-02-01T00:00:00Z') },
    ];
    for (const change of changes) {
      const after = tiles([image({ id: 'img-change', ...change })]);
      assert.notEqual(after, before, `after ${JSON.stringify(change)}`);
      assert.equal(after, tiles([image({ id: 'img-change', ...change })]), 'the same image, the same tile');
    }
    assert.equal(tiles([image({ id: 'img-change' })]), before);
  });

  test('a hidden image keeps its badge from one page to the next', () => {
    const hidden = () => image({ id: 'img-hidden', hidden_at: new Date('2026-02-01T00:00:00Z') });
    assert.match(tiles([hidden()]), /Hidden by a moderator/);
    assert.match(tiles([hidden()]), /Hidden by a moderator/);
    assert.doesNotMatch(tiles([image({ id: 'img-hidden' })]), /Hidden by a moderator/);
  });

  test('each list writes its own tiles: its links, its owner controls, its share token', () => {
    const one = image({ id: 'img-lists' });
    const search = tiles([one], { base: '/gallery', q: 'harbour', sort: 'newest' });
    assert.match(search, /href="\/images\/img-lists\?in=gallery&amp;q=harbour"/);
    const plain = tiles([one], gallery, false);
    assert.match(plain, /href="\/images\/img-lists\?in=gallery"/);
    assert.doesNotMatch(plain, /name="ids"/, 'no owner controls for a visitor');
    assert.match(tiles([one]), /name="ids"/);
    const shared = tiles([one], { base: '/albums/al-1', sort: 'newest', link: { album: 'al-1', share: 'tok' } }, false);
    assert.match(shared, /href="\/albums\/al-1\/images\/img-lists\?share=tok"/);
    assert.doesNotMatch(tiles([one], { base: '/albums/al-1', sort: 'newest', link: { album: 'al-1' } }, false), /share=tok/);
  });

  test('an album owner\'s controls are kept with the tile, for the album\'s order and cover they were written for', () => {
    const one = image({ id: 'img-arranged' });
    const manual = arranged([one]);
    assert.match(manual, /Move Harbour earlier/);
    assert.match(manual, /aria-label="Make Harbour the cover" title="Make cover" aria-pressed="false"/);
    assert.equal(arranged([one]), manual, 'kept');
    assert.doesNotMatch(arranged([one], { sort: 'newest' }), /Move Harbour earlier/, 'no moving in a sorted album');
    assert.match(arranged([one], { cover_image_id: 'img-arranged' }), /aria-pressed="true"/);
    assert.match(arranged([image({ id: 'img-arranged', title: 'Quay' })]), /Make Quay the cover/);
    assert.doesNotMatch(`${ListItems({ images: [one], state: albumState, owner: false })}`, /Make Harbour the cover/, 'a visitor sees no controls');
    assert.equal(arranged([one]), manual);
  });
});
