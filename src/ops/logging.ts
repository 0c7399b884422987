import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

export type { Logger };

/**
 * The instance's logger: one JSON object a line. By default written synchronously to stdout from
 * this thread (no worker-thread transport), which works alike on Node and Deno and loses nothing
 * when the process exits; shipping the lines elsewhere is the platform's job. Tests pass a
 * `destination` they can read.
 */
export function createLogger(level: LevelWithSilent, destination: DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino({ level, timestamp: pino.stdTimeFunctions.isoTime, base: undefined }, destination);
}
