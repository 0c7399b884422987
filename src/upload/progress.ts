/** The last line of a progress stream: the answer the request would have had without progress. */
export type Final = { status: number; html: string; retryAfter?: number };
type Line = { done: number; of: number } | Final;

/** The request header with which static/upload.js asks for progress. */
export const PROGRESS_HEADER = 'X-Upload-Progress';

/**
 * Answers with one JSON object per line as `work` goes: `{"done":1,"of":30}` as each file is
 * processed, then the final answer (`{"status":200,"html":"..."}`), or `failed(err)`'s when the
 * work fails after it began. The response starts at the first progress, so a failure before it
 * (the body too large, the fields invalid) is thrown and answered as it would be without progress.
 * Each line is its own chunk and nothing waits for the next one: `Cache-Control: no-transform`
 * keeps compression (ours and proxies') out of the way, `X-Accel-Buffering` nginx's buffering.
 */
export async function progressResponse(
  work: (onProgress: (done: number, of: number) => void) => Promise<Final>,
  failed: (err: unknown) => Final,
): Promise<Response> {
  const lines = lineStream();
  let begin!: () => void;
  const begun = new Promise<void>((resolve) => (begin = resolve));
  const result = work((done, of) => {
    lines.write({ done, of });
    begin();
  });
  await Promise.race([begun, result]);
  result.then((final) => lines.end(final), (err) => lines.end(failed(err)));
  return new Response(lines.readable, {
    headers: {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Cache-Control': 'private, no-store, no-transform',
      'X-Accel-Buffering': 'no',
    },
  });
}

/** A byte stream of JSON lines; writes after the client went away are dropped. */
function lineStream() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  const readable = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
    cancel: () => void (open = false),
  });
  const write = (line: Line) => {
    if (open) controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
  };
  return {
    readable,
    write,
    end(final: Final) {
      write(final);
      if (open) controller.close();
      open = false;
    },
  };
}
