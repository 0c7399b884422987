import type { ListedImage } from '../images/images.sql.ts';
import { altOf, DeleteForm, titleOf } from '../images/views.tsx';

const BADGES = { public: 'Public', private: 'Private', unlisted: 'Unlisted' } as const;
import { imageUrl, originalUrl, variantUrl } from '../images/urls.ts';
import { formatBytes, formatDate } from '../web/format.ts';

type ListProps = { images: ListedImage[]; next?: string; base: string; owner: boolean };

function Thumb({ image }: { image: ListedImage }) {
  return (
    // data-thumbhash: static/app.js paints the placeholder colours while the thumbnail loads.
    <a href={imageUrl(image.id)} class="thumb" data-thumbhash={image.placeholder}>
      <img src={variantUrl(image, 'thumb')} srcset={`${variantUrl(image, 'thumb2x')} 2x`} alt={altOf(image)}
        loading="lazy" decoding="async" width={image.width} height={image.height} />
    </a>
  );
}

function Card({ image, owner }: { image: ListedImage; owner: boolean }) {
  return (
    <li class="card" id={`image-${image.id}`}>
      <Thumb image={image} />
      <div class="meta">
        <a href={imageUrl(image.id)} class="filename">{titleOf(image)}</a>
        {owner ? (
          <>
            <span class={`badge ${image.visibility}`}>{BADGES[image.visibility]}</span>
            <span>{formatBytes(Number(image.bytes))}</span>
            <time datetime={image.created_at.toISOString()}>{formatDate(image.created_at)}</time>
            <span class="card-actions">
              <a href={originalUrl(image.id, true)} download aria-label={`Download ${image.filename}`}>Download</a>
              <DeleteForm id={image.id} filename={image.filename} inCard />
            </span>
          </>
        ) : (
          <span class="by">by {image.username}</span>
        )}
      </div>
    </li>
  );
}

/**
 * The cards of one page plus the link to the next. With htmx the link fetches the next page's
 * items and replaces itself with them, so pages append in place; without, it is a plain link.
 */
export function ListItems({ images, next, base, owner }: ListProps) {
  const href = next && `${base}?cursor=${next}`;
  return (
    <>
      {images.map((image) => <Card image={image} owner={owner} />)}
      {href && (
        <li class="more">
          <a href={href} rel="next" hx-get={href} hx-target="closest li" hx-swap="outerHTML">Next page</a>
        </li>
      )}
    </>
  );
}

export function ImageList(props: ListProps & { empty: string }) {
  if (props.images.length === 0) return <p class="empty">{props.empty}</p>;
  return <ul class="grid" id="images"><ListItems {...props} /></ul>;
}
