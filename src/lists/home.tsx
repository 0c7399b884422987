import type { ListedImage } from '../images/list.sql.ts';
import type { Viewer } from '../web/env.ts';
import { Icon } from '../web/icons.tsx';
import { ListItems } from '../images/grid.tsx';

/** The landing page: what the place is for, and the newest public images to show it. */
export function HomePage({ user, images }: { user: Viewer | null; images: ListedImage[] }) {
  return (
    <>
      <section class="hero">
        <h1>Keep, share and browse your images</h1>
        <p>Upload many at once, keep them private, share them by link, or show them in the public gallery.</p>
        <p class="actions">
          {user
            ? <a class="button" href="/upload"><Icon name="upload" /> Upload images</a>
            : <a class="button" href="/signup"><Icon name="user-plus" /> Create an account</a>}
          <a class="button secondary" href="/gallery"><Icon name="layout-grid" /> Browse the gallery</a>
        </p>
      </section>
      {images.length > 0 && (
        <section class="newest" aria-labelledby="newest">
          <div class="heading">
            <h2 id="newest">Newest in the gallery</h2>
            <a href="/gallery">See all <Icon name="chevron-right" /></a>
          </div>
          <ul class="grid" id="images">
            <ListItems images={images} state={{ base: '/gallery', sort: 'newest' }} owner={false} byline />
          </ul>
        </section>
      )}
    </>
  );
}
