// Justified rows without inline styles (the CSP forbids them): each tile carries a class naming
// its aspect ratio, rounded to a 2% step, and the style sheet below gives each class its ratio
// as a custom property; the grid's CSS turns that into the tile's flex-grow and width.
const MIN = 0.25;
const MAX = 4;
const STEP = 1.02;
const STEPS = Math.round(Math.log(MAX / MIN) / Math.log(STEP));

/** `ar-90` for a 3:2 image: the class whose ratio is nearest to width / height. */
export function aspectClass(width: number, height: number) {
  const ratio = Math.min(MAX, Math.max(MIN, width / Math.max(1, height)));
  return `ar-${Math.round(Math.log(ratio / MIN) / Math.log(STEP))}`;
}

/** The style sheet of every aspect class (served as /static/aspects.css, built at start-up). */
export function aspectStyles() {
  return Array.from({ length: STEPS + 1 }, (_, k) => `.ar-${k}{--ar:${(MIN * STEP ** k).toFixed(4)}}`).join('\n');
}
