/**
 * What a link to a page shows where it is pasted (Open Graph and Twitter cards) and, when it has
 * an image, how it is embedded (oEmbed discovery). Only for what anyone holding the link may see:
 * a private page carries none of it. Every URL is absolute.
 */
export type Preview = {
  title: string;
  description?: string;
  /** The page's canonical URL. */
  url: string;
  image?: { url: string; width: number; height: number; alt: string };
};

export const SITE_NAME = 'Image Repository';

/** The `<head>` tags of a preview. */
export function PreviewTags({ preview: p }: { preview: Preview }) {
  const oembed = p.image && `${new URL(p.url).origin}/oembed?${new URLSearchParams({ url: p.url, format: 'json' })}`;
  return (
    <>
      <link rel="canonical" href={p.url} />
      <meta property="og:site_name" content={SITE_NAME} />
      <meta property="og:type" content="website" />
      <meta property="og:title" content={p.title} />
      {p.description && <meta property="og:description" content={p.description} />}
      <meta property="og:url" content={p.url} />
      {p.image && (
        <>
          <meta property="og:image" content={p.image.url} />
          <meta property="og:image:type" content="image/webp" />
          <meta property="og:image:width" content={String(p.image.width)} />
          <meta property="og:image:height" content={String(p.image.height)} />
          <meta property="og:image:alt" content={p.image.alt} />
          <meta name="twitter:image" content={p.image.url} />
          <meta name="twitter:image:alt" content={p.image.alt} />
        </>
      )}
      <meta name="twitter:card" content={p.image ? 'summary_large_image' : 'summary'} />
      <meta name="twitter:title" content={p.title} />
      {p.description && <meta name="twitter:description" content={p.description} />}
      {oembed && <link rel="alternate" type="application/json+oembed" href={oembed} title={p.title} />}
    </>
  );
}

/** A description fit for a card: one line, at most 300 characters. */
export function cardText(text: string) {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line || undefined;
}
