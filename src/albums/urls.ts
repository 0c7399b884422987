/** An album's page, with the share token of an unlisted one when the link needs it. */
export const albumUrl = (id: string, share?: string | null) => (share ? `/albums/${id}?share=${encodeURIComponent(share)}` : `/albums/${id}`);
