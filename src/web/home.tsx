import type { Viewer } from './env.ts';

export function HomePage({ user }: { user: Viewer | null }) {
  return (
    <section class="hero">
      <h1>Keep, share and browse your images</h1>
      <p>Upload many images at once, keep them private or share them in the public gallery.</p>
      <p class="actions">
        {user ? <a class="button" href="/upload">Upload images</a> : <a class="button" href="/signup">Create an account</a>}
        <a class="button secondary" href="/gallery">Browse the gallery</a>
      </p>
    </section>
  );
}
