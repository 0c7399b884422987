import type { ListedImage } from '../images/list.sql.ts';
import { altOf } from '../images/names.ts';
import { cardImage } from '../images/embed.tsx';
import { PreviewTags } from '../web/preview.tsx';

/** Where feed readers find a list's Atom feed. */
export function FeedLink({ title, href }: { title: string; href: string }) {
  return <link rel="alternate" type="application/atom+xml" title={title} href={href} />;
}

/** A person's public page: their feed, and a link preview with their newest public image. */
export function ProfileHead({ username, newest, origin }: { username: string; newest?: ListedImage; origin: string }) {
  return (
    <>
      <FeedLink title={`Images of ${username}`} href={`/u/${username}.atom`} />
      <PreviewTags preview={{
        title: `Images of ${username}`,
        description: `Public images and albums of ${username}.`,
        url: `${origin}/u/${username}`,
        image: newest && cardImage(newest, {}, origin, altOf(newest)),
      }} />
    </>
  );
}
