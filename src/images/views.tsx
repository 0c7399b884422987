import type { ImageRow } from './images.sql.ts';
import { imageUrl, originalUrl, variantUrl } from './urls.ts';
import { formatBytes, formatDate } from '../web/format.ts';

type Props = { image: ImageRow & { username: string }; isOwner: boolean };

export function ImagePage({ image, isOwner }: Props) {
  return (
    <article class="image-page">
      <h1 class="filename">{image.filename}</h1>
      <a href={originalUrl(image.id)} class="display">
        <img src={variantUrl(image, 'display')} alt={image.filename} width={image.width} height={image.height} />
      </a>
      <dl class="facts">
        <dt>Owner</dt><dd>{image.username}</dd>
        <dt>Dimensions</dt><dd>{image.width} × {image.height}</dd>
        <dt>Size</dt><dd>{formatBytes(Number(image.bytes))}</dd>
        <dt>Format</dt><dd>{image.format.toUpperCase()}</dd>
        <dt>Uploaded</dt><dd><time datetime={image.created_at.toISOString()}>{formatDate(image.created_at)}</time></dd>
        <dt>Visibility</dt><dd>{image.visibility === 'public' ? 'Public' : 'Private'}</dd>
      </dl>
      <div class="actions">
        <a class="button" href={originalUrl(image.id, true)} download>Download</a>
        {isOwner && <DeleteForm id={image.id} filename={image.filename} />}
      </div>
    </article>
  );
}

/**
 * A plain POST form without JavaScript; with htmx it sends DELETE and the closest card (if any)
 * leaves the page.
 */
export function DeleteForm({ id, filename, inCard = false }: { id: string; filename: string; inCard?: boolean }) {
  const htmx = inCard
    ? { 'hx-delete': imageUrl(id), 'hx-confirm': `Delete ${filename}?`, 'hx-target': 'closest li', 'hx-swap': 'outerHTML' }
    : {};
  return (
    <form method="post" action={`${imageUrl(id)}/delete`} class="inline" {...htmx}>
      <button type="submit" class="danger" aria-label={`Delete ${filename}`}>Delete</button>
    </form>
  );
}
