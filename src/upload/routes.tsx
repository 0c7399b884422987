import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import { requireUser, signedIn } from '../auth/middleware.ts';
import type { AppEnv } from '../web/env.ts';
import { ErrorToast, HttpError, Invalid } from '../web/errors.tsx';
import { renderFor, renderPage } from '../web/render.tsx';
import { streamed } from '../web/request-body.ts';
import { bodyTooLarge, maxUploadBytes } from './multipart.ts';
import { ingestUpload, type FileOutcome, type IngestHooks, type UploadDeps } from './ingest.ts';
import { PROGRESS_HEADER, progressResponse, type Final } from './progress.ts';
import { findThumbs } from './upload.sql.ts';
import { albumChoices, joinAlbum } from '../albums/members.sql.ts';
import { findAlbum } from '../albums/albums.sql.ts';
import { UploadPage, UploadRefused, UploadResults, type JoinedAlbum, type UploadVisibility } from './views.tsx';
import { mayShare } from '../recovery/sharing.ts';
import { logUnexpected } from '../ops/requests.ts';

/** 200 when anything was stored; 503 when nothing was because the server was busy; else 422. */
function statusOf(outcomes: FileOutcome[]) {
  if (outcomes.some((o) => o.status === 'stored')) return { status: 200 as const };
  const retryAfter = Math.max(...outcomes.map((o) => (o.status === 'rejected' && o.retryAfter) || 0));
  return retryAfter ? { status: 503 as const, retryAfter } : { status: 422 as const };
}

/** The visibility the form starts with: the one asked for (or just sent), else private. */
const visibilityOf = (v?: string): UploadVisibility => (v === 'public' ? 'public' : 'private');

/** What an upload answers, as a fragment for our script or as the upload page. */
type Answer = { status: 200 | 422 | 503; retryAfter?: number; fragment: Child; page: Child };

export function uploadRoutes(deps: UploadDeps) {
  const app = new Hono<AppEnv>();
  const { upload } = deps.config;
  const limits = { maxFiles: upload.maxFiles, maxFileBytes: upload.maxFileBytes };

  /**
   * The images an upload kept (new, or already in the library) join the album it was sent to;
   * private ones joining an album others see wait for the confirmation the results then ask for.
   */
  async function joinChosen(userId: string, album: JoinedAlbum | undefined, ids: string[]): Promise<JoinedAlbum | undefined> {
    if (!album || ids.length === 0) return undefined;
    const joined = { id: album.id, title: album.title, visibility: album.visibility };
    const result = await joinAlbum(deps.sql, album, userId, ids, false);
    return 'unshared' in result ? { ...joined, ask: { ids, unshared: result.unshared } } : joined;
  }

  /** Stores the upload and renders what became of it; a refused form is shown again. */
  async function receive(c: Context<AppEnv>, hooks: IngestHooks = {}): Promise<Answer> {
    const userId = signedIn(c).user.id;
    try {
      const { visibility, album, outcomes } = await ingestUpload(deps, userId, streamed(c), { ...hooks, log: c.get('log'), mayPublish: await mayShare(deps, userId) });
      const ids = outcomes.flatMap((o) => ('id' in o ? [o.id] : []));
      const albums = await albumChoices(deps.sql, userId);
      const target = album ? await findAlbum(deps.sql, album) : undefined;
      const into = await joinChosen(userId, target?.user_id === userId ? target : undefined, ids);
      const thumbs = await findThumbs(deps.sql, userId, ids);
      const results = { outcomes, thumbs, visibility: visibilityOf(visibility), album: into };
      const page = <UploadPage limits={limits} visibility={results.visibility} results={results} albums={albums} album={album} />;
      return { ...statusOf(outcomes), fragment: <UploadResults {...results} />, page };
    } catch (err) {
      // The form again, with the message beside the field that needs fixing.
      if (!(err instanceof Invalid)) throw err;
      const page = <UploadPage limits={limits} visibility="private" errors={err.fields} albums={await albumChoices(deps.sql, userId)} />;
      return { status: 422, fragment: <UploadRefused errors={err.fields} />, page };
    }
  }

  app.get('/upload', requireUser, async (c) => {
    const albums = await albumChoices(deps.sql, signedIn(c).user.id);
    const page = <UploadPage limits={limits} visibility={visibilityOf(c.req.query('visibility'))} albums={albums} album={c.req.query('album')} />;
    return renderPage(c, 'Upload', page);
  });

  app.post('/upload', requireUser, async (c) => {
    // A declared length over the limit is refused before reading; a smaller (lying) one does not
    // help either, as the parser counts the bytes that really arrive.
    if (Number(c.req.header('Content-Length') ?? 0) > maxUploadBytes(upload)) {
      throw bodyTooLarge(maxUploadBytes(upload));
    }
    // Our script asks to hear about each file as it is processed: the same answer, as the last line.
    if (c.req.header(PROGRESS_HEADER) === '1') {
      return progressResponse(async (onProgress) => {
        const a = await receive(c, { onProgress });
        return { status: a.status, retryAfter: a.retryAfter, html: `${a.fragment}` };
      }, (err) => failedLine(c, err));
    }
    const a = await receive(c);
    if (a.retryAfter) c.header('Retry-After', String(a.retryAfter));
    return renderFor(c, { title: 'Upload', status: a.status, fragment: a.fragment, page: a.page });
  });

  return app;
}

/** A failure once progress has begun (its status is already sent): the error, as the last line. */
function failedLine(c: Context, err: unknown): Final {
  if (err instanceof HttpError) return { status: err.status, html: `${<ErrorToast status={err.status} message={err.message} />}` };
  logUnexpected(c, err);
  const message = 'Something went wrong on our side. Please try again.';
  return { status: 500, html: `${<ErrorToast status={500} message={message} />}` };
}
