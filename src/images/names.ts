/** What an image is called: its title, or else its filename. */
export const titleOf = (i: { title: string; filename: string }) => i.title || i.filename;
/** What describes it to people who cannot see it: its alt text, or else what it is called. */
export const altOf = (i: { alt_text: string; title: string; filename: string }) => i.alt_text || titleOf(i);
