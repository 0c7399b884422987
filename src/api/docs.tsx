import { Hono } from 'hono';
import type { AppEnv } from '../web/env.ts';
import { renderPage } from '../web/render.tsx';
import { PROBLEM_TEXT } from './responses.ts';

/**
 * /api/docs: how to connect, the problems the API answers with (each problem's `type` points
 * at its entry here), and Swagger UI over the generated document. Everything comes from this
 * origin (Swagger UI from its npm package): no CDN sees who reads the docs.
 */
export function apiDocsRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/api/docs', (c) => {
    const head = (
      <>
        <link rel="stylesheet" href="/static/vendor/swagger-ui.css" />
        <link rel="stylesheet" href="/static/api-docs.css" />
        <script src="/static/vendor/swagger-ui-bundle.js" defer></script>
        <script src="/static/api-docs.js" defer></script>
      </>
    );
    return renderPage(c, 'API', <ApiDocs signedIn={!!c.get('user')} />, 200, head);
  });
  return app;
}

function ApiDocs({ signedIn }: { signedIn: boolean }) {
  return (
    <section class="api-docs">
      <h1>API</h1>
      <p>
        Upload, list, change and delete your images and albums from scripts and tools (curl, ShareX, a phone shortcut) with a
        personal token, sent as the header <code>Authorization: Bearer cir_…</code> {signedIn
          ? <>(make one in <a href="/settings/tokens">Settings → API tokens</a>, which also gives a ready curl command and a ShareX uploader).</>
          : <>(<a href="/login?next=/settings/tokens">log in</a> to make one in Settings → API tokens).</>}
      </p>
      <p>
        The public gallery needs no token. Requests are limited per token (per address without one): over the limit the answer
        is <code>429</code> with <code>Retry-After</code>. The machine-readable description is{' '}
        <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a> (OpenAPI 3.1).
      </p>
      <div id="swagger-ui" class="swagger-box"><p class="muted">The interactive reference needs JavaScript; the OpenAPI document above has everything.</p></div>
      <h2>Problems</h2>
      <p>Errors are <code>application/problem+json</code> (RFC 9457) with <code>type</code>, <code>title</code>, <code>status</code> and <code>detail</code>.</p>
      <dl class="problems">
        {Object.entries(PROBLEM_TEXT).map(([status, text]) => (
          <>
            <dt id={`problem-${status}`}><code>{status}</code></dt>
            <dd>{text}</dd>
          </>
        ))}
      </dl>
    </section>
  );
}
