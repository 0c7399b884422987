import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { S3Options } from './storage/s3.ts';
import { DEFAULT_POOL_SIZE } from './db/client.ts';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const optional = z.string().trim().min(1).optional();
/** pino's level names. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The origin `value` is (`https://blog.example`, a trailing slash allowed), or undefined when it is anything more or less. */
function originIn(value: string) {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  return url && /^https?:$/.test(url.protocol) && url.origin === value.replace(/\/$/, '') ? url.origin : undefined;
}

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(DEFAULT_POOL_SIZE),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRUST_PROXY: flag.default(false),
  SIGNUPS_PER_HOUR: z.coerce.number().int().min(1).default(20),
  LOGIN_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  API_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  S3_BUCKET: optional,
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: optional,
  S3_SECRET_ACCESS_KEY: optional,
  S3_FORCE_PATH_STYLE: flag.default(false),
  S3_CREATE_BUCKET: flag.default(false),
  S3_PRESIGN: flag.default(false),
  JANITOR_GRACE_MINUTES: z.coerce.number().min(0).default(60),
  JANITOR_INTERVAL_MINUTES: z.coerce.number().min(0).default(10),
  TRASH_DAYS: z.coerce.number().int().min(0).default(30),
  ZIP_MAX_MB: z.coerce.number().positive().default(4096),
  MAX_FILE_MB: z.coerce.number().positive().max(10_000).default(50),
  MAX_FILES: z.coerce.number().int().min(1).max(1000).default(50),
  MAX_PIXELS: z.coerce.number().int().min(1).default(100_000_000),
  QUOTA_MB: z.coerce.number().positive().default(5120),
  DECODE_SLOTS: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
  DECODES_PER_USER: z.coerce.number().int().min(1).max(64).optional(),
  DECODE_QUEUE: z.coerce.number().int().min(0).default(100),
  DECODE_MEMORY_MB: z.coerce.number().positive().default(384),
  TEMP_MB_PER_USER: z.coerce.number().positive().default(1024),
  TEMP_MB_TOTAL: z.coerce.number().positive().default(4096),
  UPLOAD_IDLE_SECONDS: z.coerce.number().positive().default(30),
  FORM_BODY_SECONDS: z.coerce.number().positive().default(10),
  CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).default(100),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  HOST: z.string().min(1).default('0.0.0.0'),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  // Long enough that guessing it is hopeless; whoever has it reads only counters.
  METRICS_TOKEN: z.string().trim().regex(/^\S{16,}$/, 'at least 16 characters, no spaces').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().trim().min(3).optional(),
  REQUIRE_VERIFIED_EMAIL: flag.default(false),
  ADMIN_USERNAMES: z.string().trim().optional()
    .transform((v) => (v ?? '').split(',').map((n) => n.trim().toLowerCase()).filter(Boolean)),
  EMBED_ORIGINS: z.string().trim().optional().transform((v, ctx) => {
    const listed = v?.split(',').map((o) => o.trim()).filter(Boolean).map((o) => ({ given: o, origin: originIn(o) }));
    const bad = listed?.find((o) => !o.origin);
    if (bad) {
      ctx.addIssue({ code: 'custom', message: `${bad.given} is not an origin (scheme://host[:port], comma-separated)` });
      return z.NEVER;
    }
    return listed?.length ? listed.map((o) => o.origin!) : undefined;
  }),
});

export type Config = Readonly<{
  port: number;
  /** Address to listen on. */
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** Connections to the PostgreSQL server (not used by the embedded one, which takes one). */
  databasePoolSize: number;
  /** Origin users reach; cookies are Secure when it is https. */
  publicUrl?: URL;
  /** Take the client address from X-Forwarded-For (set only behind a proxy that writes it). */
  trustProxy: boolean;
  /** Sign-ups allowed per client address and hour. */
  signupsPerHour: number;
  /** Password, second-factor and passkey sign-in attempts allowed per client address in 15 minutes. */
  loginAttemptsPerAddress: number;
  /** Requests per minute each API token (or address without one) may make. */
  api: Readonly<{ requestsPerMinute: number }>;
  s3?: Readonly<S3Options & {
    /** Answer image requests with a redirect to a short-lived presigned URL. */
    presign: boolean;
  }>;
  janitor: Readonly<{ graceMs: number; intervalMs: number }>;
  /** Days a deleted image stays in the trash before the janitor purges it; 0: deleted at once. */
  trashDays: number;
  /**
   * Origins whose pages may embed public and shared images (hotlinking); undefined: any page may.
   * Our own pages always may.
   */
  embedOrigins?: readonly string[];
  mail: Readonly<{
    /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://` (TLS); unset: mail goes to the log. */
    smtpUrl?: string;
    /** The From of every mail. */
    from: string;
  }>;
  /** Public images, unlisted links and public albums wait until the account's address is verified. */
  requireVerifiedEmail: boolean;
  /** Usernames (lower case) made admins at start and at sign-up, besides the instance's first account. */
  adminUsernames: readonly string[];
  /** The most one zip download (an album, or images selected on the dashboard) may hold. */
  zipMaxBytes: number;
  upload: Readonly<{
    maxFileBytes: number;
    maxFiles: number;
    /** Pixels of an image (JPEG and PNG; the whole-frame formats get fewer, see `decode`). */
    maxPixels: number;
    quotaBytes: number;
    /** An upload body that sends nothing for this long is ended. */
    idleMs: number;
    /** Bytes of received-but-not-yet-stored files on temporary disk, per user and in all. */
    tempBytesPerUser: number;
    tempBytesTotal: number;
  }>;
  /**
   * Image decodes at once, per user at once, how many may wait for a slot, and the memory one
   * decode may take (it sets the pixel limit of formats decoded as whole frames).
   */
  decode: Readonly<{ slots: number; perUser: number; queue: number; memoryBytes: number }>;
  /**
   * Where `GET /metrics` is served: on a port of its own, and/or on the app's port for
   * `Authorization: Bearer <token>` only (the token, when set, is asked on both). Neither: nowhere.
   */
  metrics: Readonly<{ port?: number; token?: string }>;
  /** The least severe level logged (pino's names; `silent` logs nothing). */
  logLevel: (typeof LOG_LEVELS)[number];
  http: Readonly<{
    /** Small (non-upload) request bodies must arrive within this. */
    formDeadlineMs: number;
    /** Open connections one client address may hold (Node); 0: no cap. */
    connectionsPerAddress: number;
    /** After a stop signal, how long requests in flight may take to finish before they are cut. */
    shutdownGraceMs: number;
  }>;
}>;

const MB = 1024 * 1024;

export class ConfigError extends Error {}

/** Parses and validates the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(blankless);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.SMTP_URL && !e.PUBLIC_URL) {
    // Links in mail would otherwise come from the request's Host header, which whoever asks for
    // a reset link chooses: the victim's mail would carry the token to the asker's site.
    throw new ConfigError('Invalid configuration:\n  SMTP_URL: needs PUBLIC_URL, the origin the links in mail point to');
  }
  if (e.METRICS_PORT === e.PORT) throw new ConfigError('Invalid configuration:\n  METRICS_PORT: must differ from PORT (metrics are not served on the public port)');
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    publicUrl: e.PUBLIC_URL ? new URL(e.PUBLIC_URL) : undefined,
    trustProxy: e.TRUST_PROXY,
    signupsPerHour: e.SIGNUPS_PER_HOUR,
    loginAttemptsPerAddress: e.LOGIN_ATTEMPTS_PER_ADDRESS,
    api: Object.freeze({ requestsPerMinute: e.API_REQUESTS_PER_MINUTE }),
    s3: e.S3_BUCKET
      ? Object.freeze({
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
          createBucket: e.S3_CREATE_BUCKET,
          presign: e.S3_PRESIGN,
        })
      : undefined,
    janitor: Object.freeze({ graceMs: e.JANITOR_GRACE_MINUTES * 60_000, intervalMs: e.JANITOR_INTERVAL_MINUTES * 60_000 }),
    trashDays: e.TRASH_DAYS,
    embedOrigins: e.EMBED_ORIGINS && Object.freeze(e.EMBED_ORIGINS),
    mail: Object.freeze({
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? `Image Repository <no-reply@${e.PUBLIC_URL ? new URL(e.PUBLIC_URL).hostname : 'localhost'}>`,
    }),
    requireVerifiedEmail: e.REQUIRE_VERIFIED_EMAIL,
    adminUsernames: Object.freeze(e.ADMIN_USERNAMES),
    zipMaxBytes: Math.round(e.ZIP_MAX_MB * MB),
    upload: Object.freeze({
      maxFileBytes: Math.round(e.MAX_FILE_MB * MB),
      maxFiles: e.MAX_FILES,
      maxPixels: e.MAX_PIXELS,
      quotaBytes: Math.round(e.QUOTA_MB * MB),
      idleMs: e.UPLOAD_IDLE_SECONDS * 1000,
      tempBytesPerUser: Math.round(e.TEMP_MB_PER_USER * MB),
      tempBytesTotal: Math.round(e.TEMP_MB_TOTAL * MB),
    }),
    decode: Object.freeze({
      slots: e.DECODE_SLOTS,
      // One account never holds every slot, so others' uploads always find one free soon.
      perUser: e.DECODES_PER_USER ?? Math.max(1, e.DECODE_SLOTS - 1),
      queue: e.DECODE_QUEUE,
      memoryBytes: Math.round(e.DECODE_MEMORY_MB * MB),
    }),
    metrics: Object.freeze({ port: e.METRICS_PORT, token: e.METRICS_TOKEN }),
    logLevel: e.LOG_LEVEL,
    http: Object.freeze({
      formDeadlineMs: e.FORM_BODY_SECONDS * 1000,
      connectionsPerAddress: e.CONNECTIONS_PER_ADDRESS,
      shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    }),
  });
}
