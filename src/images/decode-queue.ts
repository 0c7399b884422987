import { HttpError } from '../web/errors.tsx';

/**
 * No decode slot will be free soon enough: the file is refused now, to be sent again later. An
 * upload reports it per file; anywhere else (a clean copy made on request) it is the answer: 503.
 */
export class DecodeBusy extends HttpError {
  constructor(readonly retryAfter: number) {
    super(503, 'The server is busy processing other images: please send this file again in a minute', { 'Retry-After': String(retryAfter) });
  }
}

export type DecodeLimits = { slots: number; perUser: number; queue: number };

type Waiting = { userId: string; start: () => void };

/**
 * Runs image decodes: at most `slots` at once (each holds up to a decode's memory budget), at most
 * `perUser` of them for one account, so one account never holds every slot. A job that cannot
 * start waits in one queue of at most `queue` jobs (a single account may fill half of it); past
 * that it fails at once with DecodeBusy instead of waiting without bound. A freed slot goes to
 * the oldest waiting job whose account is under its share.
 */
export function createDecodeQueue(limits: DecodeLimits) {
  const running = new Map<string, number>();
  const waiting: Waiting[] = [];
  let active = 0;
  const userShare = Math.max(1, Math.floor(limits.queue / 2));

  const canStart = (userId: string) => active < limits.slots && (running.get(userId) ?? 0) < limits.perUser;
  const enter = (userId: string) => {
    active += 1;
    running.set(userId, (running.get(userId) ?? 0) + 1);
  };
  const leave = (userId: string) => {
    active -= 1;
    const n = (running.get(userId) ?? 1) - 1;
    if (n === 0) running.delete(userId);
    else running.set(userId, n);
    for (let i = 0; i < waiting.length && active < limits.slots; ) {
      const w = waiting[i]!;
      if (canStart(w.userId)) {
        waiting.splice(i, 1);
        enter(w.userId);
        w.start();
      } else i += 1;
    }
  };

  return {
    async run<T>(userId: string, job: () => Promise<T>): Promise<T> {
      if (canStart(userId)) enter(userId);
      else {
        const mine = waiting.filter((w) => w.userId === userId).length;
        if (waiting.length >= limits.queue || mine >= userShare) throw new DecodeBusy(60);
        await new Promise<void>((start) => waiting.push({ userId, start }));
      }
      try {
        return await job();
      } finally {
        leave(userId);
      }
    },
    /** Decodes running and waiting now (for tests and health). */
    load: () => ({ active, waiting: waiting.length }),
  };
}

export type DecodeQueue = ReturnType<typeof createDecodeQueue>;
