import { Hono } from 'hono';
import { requireUser, signedIn } from '../auth/middleware.ts';
import type { AppEnv } from '../web/env.ts';
import { Invalid } from '../web/errors.tsx';
import { renderFor, renderPage } from '../web/render.tsx';
import { bodyTooLarge, maxUploadBytes } from './multipart.ts';
import { ingestUpload, type FileOutcome, type UploadDeps } from './ingest.ts';
import { UploadPage, UploadResults } from './views.tsx';

/** 200 when anything was stored; 503 when nothing was because the server was busy; else 422. */
function statusOf(outcomes: FileOutcome[]) {
  if (outcomes.some((o) => o.status === 'stored')) return { status: 200 as const };
  const retryAfter = Math.max(...outcomes.map((o) => (o.status === 'rejected' && o.retryAfter) || 0));
  return retryAfter ? { status: 503 as const, retryAfter } : { status: 422 as const };
}

export function uploadRoutes(deps: UploadDeps) {
  const app = new Hono<AppEnv>();
  const { upload } = deps.config;
  const limits = { maxFiles: upload.maxFiles, maxFileMb: Math.round(upload.maxFileBytes / 1024 / 1024) };

  app.get('/upload', requireUser, (c) => renderPage(c, 'Upload', <UploadPage {...limits} />));

  app.post('/upload', requireUser, async (c) => {
    // A declared length over the limit is refused before reading; a smaller (lying) one does not
    // help either, as the parser counts the bytes that really arrive.
    if (Number(c.req.header('Content-Length') ?? 0) > maxUploadBytes(upload)) {
      throw bodyTooLarge(maxUploadBytes(upload));
    }
    try {
      const outcomes = await ingestUpload(deps, signedIn(c).user.id, c.req.raw);
      const { status, retryAfter } = statusOf(outcomes);
      if (retryAfter) c.header('Retry-After', String(retryAfter));
      return renderFor(c, { title: 'Upload', status, fragment: <UploadResults outcomes={outcomes} />, page: <UploadPage {...limits} outcomes={outcomes} /> });
    } catch (err) {
      // The form again, with the message beside the field that needs fixing.
      if (!(err instanceof Invalid)) throw err;
      return renderFor(c, { title: 'Upload', status: 422, fragment: <UploadResults errors={err.fields} />, page: <UploadPage {...limits} errors={err.fields} /> });
    }
  });

  return app;
}
