import { join } from 'node:path';
import type { Config } from './config.ts';
import { openDatabase } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { createDiskStorage } from './storage/disk.ts';
import { createS3Storage } from './storage/s3.ts';
import type { Storage } from './storage/storage.ts';
import type { Deps } from './web/env.ts';
import type { JanitorDeps } from './janitor/janitor.ts';
import { keysInUse } from './images/images.sql.ts';
import { purgeExpiredTrash } from './images/trash.sql.ts';
import { createDecodeQueue } from './images/decode-queue.ts';
import { createTempSpace } from './upload/temp-space.ts';
import { createLifecycle } from './web/lifecycle.ts';
import type { Sql } from './db/client.ts';
import { createMailer, type MailLog } from './mail/mailer.ts';
import { createTransport, type Transport } from './mail/transport.ts';
import { recoveryMails } from './recovery/mails.ts';
import { grantConfiguredAdmins } from './auth/users.sql.ts';
import { createMetrics } from './ops/metrics.ts';
import { createLogger, type Logger } from './ops/logging.ts';

export const MIGRATIONS_DIR = 'sql';

export function createStorage(config: Config): Storage {
  return config.s3 ? createS3Storage(config.s3) : createDiskStorage(join(config.dataDir, 'objects'));
}

/** The app's mail: every kind it sends, through `transport` (SMTP or the log, as configured). */
export function createMail(sql: Sql, config: Config, log: MailLog & Pick<Logger, 'info'>, transport: Transport = createTransport(config.mail, (line) => log.info(line))) {
  const kinds = recoveryMails(sql);
  return createMailer(sql, transport, async (row) => {
    const make = kinds[row.kind];
    if (make) return make(row);
    log.error({ mailId: row.id, kind: row.kind }, 'mail: dropped a mail of an unknown kind');
    return null;
  }, log);
}

/** Everything the app is built from: the shared services and this instance's own limits. */
export type AppDeps = Deps & ReturnType<typeof localLimits>;

/** What guards this instance's own CPU, memory and temporary disk, whether it is shutting down, and its metrics. */
export function localLimits(config: Config, opts: { processMetrics?: boolean } = {}) {
  const metrics = createMetrics(opts);
  return {
    // Per app, not global: each app a test builds counts only its own requests.
    metrics,
    decodes: metrics.timedDecodes(createDecodeQueue(config.decode)),
    tempSpace: createTempSpace({ perUser: config.upload.tempBytesPerUser, total: config.upload.tempBytesTotal }),
    lifecycle: createLifecycle(),
  };
}

/**
 * What the janitor works with: the storage, the database, which keys rows still name, and the
 * purge of what has been in the trash for TRASH_DAYS.
 */
export function janitorDeps(deps: Deps & Pick<AppDeps, 'metrics'>): JanitorDeps {
  return {
    ...deps,
    observe: deps.metrics.janitor,
    keysInUse: (ids) => keysInUse(deps.sql, ids),
    purgeTrash: (limit) => purgeExpiredTrash(deps.sql, deps.config.trashDays, limit),
  };
}

/** Opens the database (migrated) and the storage that `config` names; `close` releases them. */
export async function buildDeps(config: Config): Promise<AppDeps & { close(): Promise<void> }> {
  const db = await openDatabase(config);
  try {
    await migrate(db.sql, MIGRATIONS_DIR);
    await grantConfiguredAdmins(db.sql, config.adminUsernames);
    const storage = createStorage(config);
    await storage.init();
    const log = createLogger(config.logLevel);
    const mail = createMail(db.sql, config, log);
    const close = async () => {
      await mail.idle();
      await db.close();
    };
    return { config, sql: db.sql, storage, mail, log, ...localLimits(config, { processMetrics: true }), close };
  } catch (err) {
    await db.close();
    throw err;
  }
}
