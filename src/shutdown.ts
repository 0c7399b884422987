// Graceful shutdown on SIGTERM / SIGINT: stop taking work, let what is in flight finish within the
// grace, cut what is left so that it unwinds cleanly, then close the database.
import type { Server } from 'node:http';
import type { Lifecycle } from './web/lifecycle.ts';

/** How a server stops: on Node by its connections, on Deno by its own draining `shutdown()`. */
export type Listener = {
  /** Stops accepting connections; settles once every open one has closed. */
  close(): Promise<void>;
  /** Closes every connection that carries no request right now. */
  closeIdle(): void;
  /** Closes every connection now, requests and all. */
  closeAll(): void;
};

/** Work that unwinds after the cut (an upload removing what it wrote) gets this long before the database closes under it. */
const UNWIND_MS = 10_000;
/** How often connections left idle by answers that began before the drain are looked for. */
const IDLE_SWEEP_MS = 100;

export function nodeListener(server: Server): Listener {
  return {
    close: () => new Promise((done) => server.close(() => done())),
    // Node's close() closes only the connections idle at that moment; one that goes idle later
    // (its answer began before the drain, so it says keep-alive) would hold the process.
    closeIdle: () => server.closeIdleConnections(),
    closeAll: () => server.closeAllConnections(),
  };
}

/**
 * Deno's `shutdown()` stops accepting and closes each connection as its requests end, but it also
 * ends request bodies still arriving (an upload would fail): it is called once the work in flight
 * is done (or cut). Until then new requests are still taken, each closing its connection, while
 * `/readyz` turns the balancer away. Deno cannot cut connections; exiting does.
 */
export function denoListener(server: { shutdown(): Promise<void> }, lifecycle: Lifecycle): Listener {
  return {
    close: async () => {
      await lifecycle.idle();
      await server.shutdown();
    },
    closeIdle: () => {},
    closeAll: () => {},
  };
}

/** Settles after `ms`; its timer never holds the process once everything else has stopped. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

type ShutdownOptions = {
  listener: Listener;
  lifecycle: Lifecycle;
  graceMs: number;
  /** Stops the background loops (janitor, mail); settles when a pass that was running has ended. */
  stopBackground(): Promise<unknown>;
  /** Closes the database (and anything else the process holds). */
  close(): Promise<void>;
  log(line: string): void;
};

/**
 * The shutdown, begun by the first call: `/readyz` says 503 at once, no new connection is
 * accepted, idle ones are closed, and requests in flight have `graceMs` to finish. When the grace
 * runs out (or at a second call: a second Ctrl-C), the rest is cut: uploads stop reading, answer
 * 503 and remove what they wrote, and the connections still open are closed. Then the background
 * loops stop and the database closes. Every call returns the same promise of the exit code: 0 when
 * everything finished within the grace, 1 when something had to be cut.
 */
export function createShutdown(opts: ShutdownOptions) {
  let cutNow!: () => void;
  const interrupted = new Promise<boolean>((resolve) => (cutNow = () => resolve(false)));
  let done: Promise<number> | undefined;

  async function run(signal: string): Promise<number> {
    const { listener, lifecycle } = opts;
    lifecycle.drain();
    // Awaited only at the end: a failure meanwhile must not count as unhandled.
    const background = opts.stopBackground().catch((err) => opts.log(`shutdown: stopping the background work failed: ${err}`));
    const closed = listener.close();
    listener.closeIdle();
    const sweep = setInterval(() => listener.closeIdle(), IDLE_SWEEP_MS);
    // Only once Node's listener is closed: whoever reads this may count on it.
    opts.log(`${signal}: draining; requests in flight have ${opts.graceMs / 1000} s to finish`);
    try {
      const drained = Promise.all([closed, lifecycle.idle()]).then(() => true);
      const grace = sleep(opts.graceMs).then(() => false);
      const clean = await Promise.race([drained, grace, interrupted]);
      if (!clean) {
        opts.log('shutdown: the grace is over; cutting what is still in flight');
        lifecycle.cut();
        // Cut work unwinds and answers (503, closing its connection); whatever still holds a
        // connection after that is closed without an answer.
        await Promise.race([Promise.all([lifecycle.idle(), closed]), sleep(UNWIND_MS)]);
        listener.closeAll();
        await Promise.race([closed, sleep(1_000)]);
      }
      await Promise.race([background, sleep(UNWIND_MS)]);
      await opts.close();
      opts.log(clean ? 'shutdown: every request finished; stopped' : 'shutdown: stopped after cutting requests');
      return clean ? 0 : 1;
    } finally {
      clearInterval(sweep);
    }
  }

  return (signal: string) => {
    if (done) cutNow();
    else done = run(signal);
    return done;
  };
}
