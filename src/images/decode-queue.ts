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
 * At most `slots` holders at once, at most `perUser` of them for one account. One who cannot
 * enter waits in one queue of at most `queue` (a single account may fill half of it); past that
 * entering fails at once with DecodeBusy. A freed slot goes to the oldest waiting one whose
 * account is under its share.
 */
function slotsOf(limits: DecodeLimits) {
  const running = new Map<string, number>();
  const waiting: Waiting[] = [];
  let active = 0;
  const userShare = Math.max(1, Math.floor(limits.queue / 2));

  const canStart = (userId: string) => active < limits.slots && (running.get(userId) ?? 0) < limits.perUser;
  const take = (userId: string) => {
    active += 1;
    running.set(userId, (running.get(userId) ?? 0) + 1);
  };
  return {
    /** Takes a slot now (undefined), or the wait for one. */
    enter(userId: string): Promise<void> | undefined {
      if (canStart(userId)) {
        take(userId);
        return undefined;
      }
      const mine = waiting.filter((w) => w.userId === userId).length;
      if (waiting.length >= limits.queue || mine >= userShare) throw new DecodeBusy(60);
      return new Promise<void>((start) => waiting.push({ userId, start }));
    },
    leave(userId: string) {
      active -= 1;
      const n = (running.get(userId) ?? 1) - 1;
      if (n === 0) running.delete(userId);
      else running.set(userId, n);
      for (let i = 0; i < waiting.length && active < limits.slots; ) {
        const w = waiting[i]!;
        if (canStart(w.userId)) {
          waiting.splice(i, 1);
          take(w.userId);
          w.start();
        } else i += 1;
      }
    },
    load: () => ({ active, waiting: waiting.length }),
  };
}

/**
 * Called by a job once the decode's memory is behind it (what is left to encode is small): it
 * waits for an encode slot, then gives up its decode slot, so the next file's decode can start
 * beside this one's encodes.
 */
export type ToEncoding = () => Promise<void>;

/**
 * Runs image decodes: at most `slots` at once (each holds up to a decode's memory budget), at most
 * `perUser` of them for one account, so one account never holds every slot; a job that cannot
 * start waits in a bounded queue, past which it fails at once with DecodeBusy instead of waiting
 * without bound. A job may move on to the encode slots (as many, shared the same way) for the rest
 * of its work: it takes one before it leaves its decode slot, so at most `slots` decoded images
 * wait for one, and an upload decodes its next file while it encodes the last
 * (bench/HISTORY.md, "Decode beside encode").
 */
export function createDecodeQueue(limits: DecodeLimits) {
  const decoding = slotsOf(limits);
  // Its waiting are held in decode slots: at most `slots`, never refused.
  const encoding = slotsOf({ ...limits, queue: Infinity });

  return {
    async run<T>(userId: string, job: (toEncoding: ToEncoding) => Promise<T>): Promise<T> {
      // Awaited only when it must wait: otherwise the job starts before run() returns.
      const wait = decoding.enter(userId);
      if (wait) await wait;
      let held = decoding;
      const toEncoding = async () => {
        if (held === encoding) return;
        await encoding.enter(userId);
        decoding.leave(userId);
        held = encoding;
      };
      try {
        return await job(toEncoding);
      } finally {
        held.leave(userId);
      }
    },
    /** Jobs running now (decoding or encoding), and those waiting for a decode slot (for tests and health). */
    load() {
      const decodes = decoding.load();
      return { active: decodes.active + encoding.load().active, waiting: decodes.waiting };
    },
  };
}

export type DecodeQueue = ReturnType<typeof createDecodeQueue>;
