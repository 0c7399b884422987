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
    assert.ok(Object.isFrozen(c));
  });

  test('S3 and server PostgreSQL when their variables are set', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/images',
      S3_BUCKET: 'pics',
      S3_ENDPOINT: 'http://minio:9000',
      S3_FORCE_PATH_STYLE: '1',
      PUBLIC_URL: 'https://images.example',
    });
    assert.equal(c.databaseUrl, 'postgres://u:p@db:5432/images');
    assert.deepEqual({ ...c.s3 }, {
      bucket: 'pics', endpoint: 'http://minio:9000', region: 'us-east-1',
      accessKeyId: undefined, secretAccessKey: undefined, forcePathStyle: true, createBucket: false, presign: false,
    });
    assert.equal(c.publicUrl?.origin, 'https://images.example');
  });

  test('refuses to start, naming every bad variable', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', S3_FORCE_PATH_STYLE: 'maybe' }),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
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

  test('empty variables count as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '', S3_BUCKET: '' }).s3, undefined);
  });
});
