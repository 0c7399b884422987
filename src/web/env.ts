import type { Config } from '../config.ts';
import type { Sql } from '../db/client.ts';
import type { Storage } from '../storage/storage.ts';
import type { Session, SessionUser } from '../auth/session.ts';

/** Everything the app needs from outside, built once in main.ts (or by a test). */
export type Deps = { config: Config; sql: Sql; storage: Storage };

export type AppEnv = {
  Variables: { user: SessionUser | null; session: Session | null; flash?: string };
};
