import { Hono } from 'hono';
import { requireUser } from '../auth/middleware.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { renderFor, renderPage } from '../web/render.tsx';
import { BadMultipart, BodyIdle, BodyTooLarge, maxUploadBytes } from './multipart.ts';
import { ingestUpload, UploadInvalid } from './ingest.ts';
import { UploadPage, UploadResults } from './views.tsx';

export function uploadRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const limits = { maxFiles: deps.config.upload.maxFiles, maxFileMb: Math.round(deps.config.upload.maxFileBytes / 1024 / 1024) };

  app.get('/upload', requireUser, (c) => renderPage(c, 'Upload', <UploadPage {...limits} />));

  app.post('/upload', requireUser, async (c) => {
    let result: { error?: string; outcomes?: Awaited<ReturnType<typeof ingestUpload>> };
    let status: 200 | 400 | 408 | 413 | 422 | 503 = 200;
    try {
      // A declared length over the limit is refused before reading; a smaller (lying) one does
      // not help either, as the parser counts the bytes that really arrive.
      if (Number(c.req.header('Content-Length') ?? 0) > maxUploadBytes(deps.config.upload)) {
        throw new BodyTooLarge(`The upload is larger than ${Math.round(maxUploadBytes(deps.config.upload) / 1024 / 1024)} MB`);
      }
      const outcomes = await ingestUpload(deps, c.get('user')!.id, c.req.raw);
      result = { outcomes };
      if (!outcomes.some((o) => o.status === 'stored')) {
        // Nothing stored because the server was busy: worth sending again, after a while.
        const retryAfter = Math.max(...outcomes.map((o) => (o.status === 'rejected' && o.retryAfter) || 0));
        status = retryAfter ? 503 : 422;
        if (retryAfter) c.header('Retry-After', String(retryAfter));
      }
    } catch (err) {
      if (err instanceof UploadInvalid) status = 422;
      else if (err instanceof BodyTooLarge) status = 413;
      else if (err instanceof BadMultipart) status = 400;
      else if (err instanceof BodyIdle) {
        status = 408;
        // The client stalled mid-body: end the connection rather than wait for the rest.
        c.header('Connection', 'close');
      } else throw err;
      result = { error: status === 400 ? 'The upload could not be read; please try again' : (err as Error).message };
    }
    return renderFor(c, {
      title: 'Upload',
      status,
      fragment: <UploadResults {...result} />,
      page: <UploadPage {...limits} {...result} />,
    });
  });

  return app;
}
