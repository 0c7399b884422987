/** The one-time message after a redirect, at the top of the page. */
export function FlashNotice({ flash }: { flash: string }) {
  return <p class="flash" role="status">{flash}</p>;
}
