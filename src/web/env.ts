import type { Config } from '../config.ts';
import type { Sql } from '../db/client.ts';
import type { Storage } from '../storage/storage.ts';
import type { Session, SessionUser } from '../auth/session.ts';
import type { DecodeQueue } from '../images/decode-queue.ts';
import type { TempSpace } from '../upload/temp-space.ts';

/**
 * Everything the app needs from outside, built once in main.ts (or by a test). `decodes` and
 * `tempSpace` guard this instance's own CPU, memory and disk; nothing in them is shared state.
 */
export type Deps = { config: Config; sql: Sql; storage: Storage; decodes: DecodeQueue; tempSpace: TempSpace };

export type AppEnv = {
  Variables: { user: SessionUser | null; session: Session | null; flash?: string };
};
