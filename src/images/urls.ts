type Ref = { id: string; thumb_hash: string };

export const imageUrl = (id: string) => `/images/${id}`;
export const originalUrl = (id: string, download = false) => `/images/${id}/original${download ? '?download=1' : ''}`;
export const thumbUrl = (i: Ref) => `/images/${i.id}/thumb/${i.thumb_hash}.webp`;
export const displayUrl = (i: { id: string; display_hash: string }) => `/images/${i.id}/display/${i.display_hash}.webp`;
