import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  test('defaults: port 3000, ./data, embedded PostgreSQL, disk storage', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.dataDir, './data');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.s3, undefined);
    assert.equal(c.upload.maxFiles, 50);
    assert.equal(c.loginAttemptsPerAddress, 50);
    assert.equal(c.databasePoolSize, 4);
    assert.ok(Object.isFrozen(c));
  });

  test('S3 and server PostgreSQL when their variables are set', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/images',
      S3_BUCKET: 'pics',
      S3_ENDPOINT: 'http://minio:9000',
      S3_FORCE_PATH_STYLE: '1',
      PUBLIC_URL: 'https://images.example',
      DATABASE_POOL_SIZE: '12',
    });
    assert.equal(c.databaseUrl, 'postgres://u:p@db:5432/images');
    assert.equal(c.databasePoolSize, 12);
    assert.deepEqual({ ...c.s3 }, {
      bucket: 'pics', endpoint: 'http://minio:9000', region: 'us-east-1',
      accessKeyId: undefined, secretAccessKey: undefined, forcePathStyle: true, createBucket: false, presign: false,
    });
    assert.equal(c.publicUrl?.origin, 'https://images.example');
  });

  test('refuses to start, naming every bad variable', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DATABASE_POOL_SIZE: '0', S3_FORCE_PATH_STYLE: 'maybe' }),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /DATABASE_POOL_SIZE/);
        assert.match(err.message, /PORT/);
        assert.match(err.message, /DATABASE_URL/);
        assert.match(err.message, /S3_FORCE_PATH_STYLE/);
        return true;
      },
    );
  });

  test('mail: the log without SMTP_URL, smtp:// or smtps:// with it, a sender from PUBLIC_URL', () => {
    const quiet = loadConfig({});
    assert.deepEqual({ ...quiet.mail }, { smtpUrl: undefined, from: 'Image Repository <no-reply@localhost>' });
    assert.equal(quiet.requireVerifiedEmail, false);
    const c = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example:465', PUBLIC_URL: 'https://images.example', REQUIRE_VERIFIED_EMAIL: '1' });
    assert.deepEqual({ ...c.mail }, { smtpUrl: 'smtps://u:p@mail.example:465', from: 'Image Repository <no-reply@images.example>' });
    assert.equal(c.requireVerifiedEmail, true);
    assert.equal(loadConfig({ MAIL_FROM: 'Pics <pics@example.org>' }).mail.from, 'Pics <pics@example.org>');
    assert.throws(() => loadConfig({ SMTP_URL: 'http://mail.example', PUBLIC_URL: 'https://images.example' }), /SMTP_URL/);
    assert.throws(() => loadConfig({ SMTP_URL: 'smtp://mail.example' }), /SMTP_URL: needs PUBLIC_URL/);
    assert.throws(() => loadConfig({ REQUIRE_VERIFIED_EMAIL: 'yes' }), /REQUIRE_VERIFIED_EMAIL/);
  });

  test('shutdown grace: 30 seconds unless set; 0 cuts at once; negative or not a number refused', () => {
    assert.equal(loadConfig({}).http.shutdownGraceMs, 30_000);
    assert.equal(loadConfig({ SHUTDOWN_GRACE_SECONDS: '2.5' }).http.shutdownGraceMs, 2_500);
    assert.equal(loadConfig({ SHUTDOWN_GRACE_SECONDS: '0' }).http.shutdownGraceMs, 0);
    for (const bad of ['-1', 'soon', '7200']) assert.throws(() => loadConfig({ SHUTDOWN_GRACE_SECONDS: bad }), /SHUTDOWN_GRACE_SECONDS/);
  });

  test('metrics: nowhere unless METRICS_PORT or METRICS_TOKEN; a short token, a bad port or the app\'s own port refused', () => {
    assert.deepEqual({ ...loadConfig({}).metrics }, { port: undefined, token: undefined });
    const c = loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: 'a-long-enough-token' });
    assert.deepEqual({ ...c.metrics }, { port: 9464, token: 'a-long-enough-token' });
    assert.ok(Object.isFrozen(c.metrics));
    for (const bad of ['0', '70000', 'nine']) assert.throws(() => loadConfig({ METRICS_PORT: bad }), /METRICS_PORT/);
    assert.throws(() => loadConfig({ METRICS_PORT: '3000' }), /METRICS_PORT: must differ from PORT/);
    for (const bad of ['short', 'has a space in the middle']) assert.throws(() => loadConfig({ METRICS_TOKEN: bad }), /METRICS_TOKEN/);
  });

  test('log level: info unless LOG_LEVEL names one of pino\'s', () => {
    assert.equal(loadConfig({}).logLevel, 'info');
    assert.equal(loadConfig({ LOG_LEVEL: 'debug' }).logLevel, 'debug');
    assert.equal(loadConfig({ LOG_LEVEL: 'silent' }).logLevel, 'silent');
    assert.throws(() => loadConfig({ LOG_LEVEL: 'verbose' }), /LOG_LEVEL/);
  });

  test('empty variables count as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '', S3_BUCKET: '' }).s3, undefined);
  });
});
