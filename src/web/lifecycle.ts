import { HttpError } from './errors.tsx';

/** The answer to work still going when the shutdown grace ran out. */
export class ShuttingDown extends HttpError {
  constructor() {
    super(503, 'The server is restarting and this could not finish: nothing of it was kept. Please try again in a moment.', {
      'Retry-After': '5',
      Connection: 'close',
    });
  }
}

/**
 * Where this instance is in its life. Serving, until a stop signal: then `draining` (`/readyz`
 * answers 503 so the balancer sends no more, every answer closes its connection, requests in
 * flight may finish), and, if the grace runs out, `cut` (long work, an upload's body above all,
 * stops and unwinds, leaving nothing behind). Counts the work in flight, so the shutdown knows
 * when the database may close.
 */
export function createLifecycle() {
  const stop = new AbortController();
  let draining = false;
  let inFlight = 0;
  const waiting: Array<() => void> = [];

  /** Counts one piece of work as in flight until the returned function is called (once is enough). */
  function hold() {
    inFlight += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      inFlight -= 1;
      if (inFlight === 0) for (const resolve of waiting.splice(0)) resolve();
    };
  }

  return {
    get draining() {
      return draining;
    },
    /** Aborted (with a ShuttingDown) when the grace runs out. */
    signal: stop.signal,
    drain() {
      draining = true;
    },
    cut() {
      draining = true;
      stop.abort(new ShuttingDown());
    },
    hold,
    /** `work`, counted as in flight until it settles. */
    async track<T>(work: Promise<T>): Promise<T> {
      const release = hold();
      try {
        return await work;
      } finally {
        release();
      }
    },
    /** Settles when nothing is in flight. */
    idle(): Promise<void> {
      return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

export type Lifecycle = ReturnType<typeof createLifecycle>;
