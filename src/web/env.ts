import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Sql } from '../db/client.ts';
import type { Storage } from '../storage/storage.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { OpsEnv } from '../ops/requests.ts';

/** What every feature needs from outside, built once in main.ts (or by a test). */
export type Deps = { config: Config; sql: Sql; storage: Storage; mail: Mailer; log: Logger };

/** The signed-in person, as pages show them (set by auth's session middleware). */
export type Viewer = { id: string; username: string; email: string; role: Role; storage: StorageUse };

/** Bytes a person stores now, and their quota (their own, else the instance's). */
export type StorageUse = { used: number; quota: number };

/** An admin runs the instance (/admin); everyone else is a user. */
export type Role = 'user' | 'admin';

export type AppEnv = {
  /** `requestId` and `log` (the logger that names it), set first of all (ops/requests.ts). */
  Variables: OpsEnv['Variables'] & {
    user: Viewer | null;
    session: { id: string } | null;
    /** The one-time message after a redirect, as its cookie holds it once checked: read it with `decodeFlash`. */
    flash?: string;
  };
};
