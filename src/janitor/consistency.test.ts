// Fault injection: whatever fails, afterwards every row has its objects and no object outlives
// the grace period without a row.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Storage } from '../storage/storage.ts';
import { assertConsistent, storedKeys } from '../test-support/consistency.ts';
import { startTestApp, type TestApp } from '../test-support/harness.ts';
import { newUser } from '../test-support/client.ts';
import { jpeg } from '../test-support/fixtures.ts';
import { runJanitor } from './janitor.ts';
import { janitorDeps } from '../deps.ts';

/** The real storage, except that its `n`th put (and optionally every delete) fails. */
function faulty(inner: Storage, opts: { failPut?: number; failDeletes?: () => boolean }): Storage {
  let puts = 0;
  const fail = () => ++puts === opts.failPut;
  return {
    ...inner,
    put: (key, body, type) => (fail() ? Promise.reject(new Error('injected: disk full')) : inner.put(key, body, type)),
    putFile: (key, path, type) => (fail() ? Promise.reject(new Error('injected: disk full')) : inner.putFile(key, path, type)),
    deleteMany: (keys) => (opts.failDeletes?.() ? Promise.resolve(keys) : inner.deleteMany(keys)),
    delete: (key) => (opts.failDeletes?.() ? Promise.reject(new Error('injected: delete failed')) : inner.delete(key)),
  };
}

async function withApp(fn: (t: TestApp) => Promise<void>, wrap?: (s: Storage) => Storage, env: Record<string, string> = {}, logTo?: (line: string) => void) {
  const t = await startTestApp(env, { wrap, logTo });
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

const three = async () => Promise.all([1, 2, 3].map(async (i) => ({ name: `f${i}.jpg`, data: await jpeg(120 + i, 90) })));

describe('consistency between rows and objects', () => {
  test('storage failing on the 7th write: that file is refused, its other objects removed, the rest stored', async () => {
    await withApp(async (t) => {
      const res = await (await newUser(t, 'nth')).upload(await three(), 'public');
      const html = await res.text();
      assert.match(html, /2 of 3 images uploaded/);
      assert.match(html, /server error; please try again/);
      assert.equal((await t.sql`select count(*)::int as n from images`)[0]!.n, 2);
      await assertConsistent(t.sql, t.storage);
    }, (s) => faulty(s, { failPut: 7 }));
  });

  test('the database failing after the objects were written: nothing is left behind', async () => {
    await withApp(async (t) => {
      await t.sql.unsafe(`
        create function refuse_boom() returns trigger language plpgsql as $$
        begin if new.filename = 'boom.jpg' then raise exception 'injected: database failure'; end if; return new; end $$;
        create trigger refuse_boom before insert on images for each row execute function refuse_boom();`);
      const user = await newUser(t, 'dbfail');
      const res = await user.upload([{ name: 'ok.jpg', data: await jpeg(80, 60) }, { name: 'boom.jpg', data: await jpeg(81, 60) }], 'public');
      assert.equal(res.status, 500);
      assert.equal((await t.sql`select count(*)::int as n from images`)[0]!.n, 0);
      await assertConsistent(t.sql, t.storage);
      assert.equal((await storedKeys(t.storage)).size, 0);
    });
  });

  // With TRASH_DAYS=0 a delete removes the row at once, as emptying the trash or a purge does.
  test('an object delete that fails is queued, logged, and done later by the janitor', async () => {
    let broken = false;
    const logged: string[] = [];
    await withApp(async (t) => {
      const user = await newUser(t, 'outbox');
      await user.upload([{ name: 'a.jpg', data: await jpeg(70, 50) }], 'public');
      const [{ id }] = (await t.sql`select id from images`) as unknown as [{ id: string }];
      broken = true;
      assert.equal((await user.request(`/images/${id}/delete`, { method: 'POST' })).status, 303);
      assert.equal((await t.sql`select count(*)::int as n from images`)[0]!.n, 0, 'the row is gone at once');
      assert.equal((await storedKeys(t.storage)).size, 4, 'the objects are still there (no clean copy was asked for)');
      const queued = await t.sql`select key, attempts from pending_deletions`;
      assert.equal(queued.length, 5);
      assert.ok(queued.every((q) => q.attempts === 1));
      const line = JSON.parse(logged.find((l) => l.includes('left for the janitor'))!);
      assert.equal(line.level, 50);
      assert.deepEqual([...line.keys].sort(), queued.map((q) => q.key).sort());
      broken = false;
      await t.sql`update pending_deletions set next_attempt_at = now()`;
      const report = await runJanitor(janitorDeps(t), 3_600_000);
      assert.deepEqual(report, { ran: true, trashed: 0, retried: 5, orphans: 0 });
      assert.equal((await t.sql`select count(*)::int as n from pending_deletions`)[0]!.n, 0);
      await assertConsistent(t.sql, t.storage);
    }, (s) => faulty(s, { failDeletes: () => broken }), { TRASH_DAYS: '0' }, (line) => void logged.push(line));
  });

  test('the janitor removes objects without a row only after the grace period, and keeps the rest', async () => {
    await withApp(async (t) => {
      await (await newUser(t, 'janitor')).upload([{ name: 'kept.jpg', data: await jpeg(60, 40) }], 'public');
      await t.storage.put('images/orphan000000000000/original', Buffer.from('left by a crash'), 'image/jpeg');
      const [{ id }] = (await t.sql`select id from images`) as unknown as [{ id: string }];
      await t.storage.put(`images/${id}/thumb-ffffffffffffffff.webp`, Buffer.from('stale derivative'), 'image/webp');
      assert.equal((await runJanitor(janitorDeps(t), 3_600_000)).orphans, 0, 'young objects are left alone');
      assert.equal((await storedKeys(t.storage)).size, 6);
      assert.deepEqual(await runJanitor(janitorDeps(t), 0), { ran: true, trashed: 0, retried: 0, orphans: 2 });
      await assertConsistent(t.sql, t.storage);
    });
  });

  test('each pass sweeps a bounded number of objects, going on where the last pass stopped', async () => {
    let listed = 0;
    const counting = (inner: Storage): Storage => ({
      ...inner,
      async *list(prefix, after) {
        for await (const o of inner.list(prefix, after)) {
          listed += 1;
          yield o;
        }
      },
    });
    await withApp(async (t) => {
      await (await newUser(t, 'sweeps')).upload([{ name: 'kept.jpg', data: await jpeg(60, 40) }], 'public');
      for (let i = 0; i < 5; i++) await t.storage.put(`images/orphan${i}/original`, Buffer.from('left by a crash'), 'image/jpeg');
      assert.equal((await storedKeys(t.storage)).size, 9);
      const removed: number[] = [];
      const stops: (string | null)[] = [];
      for (let pass = 0; pass < 4; pass++) {
        listed = 0;
        removed.push((await runJanitor(janitorDeps(t), 0, 3)).orphans);
        assert.ok(listed <= 4, `pass ${pass} listed ${listed} objects: 3, and one to know more were left`);
        stops.push((await t.sql`select swept_to from janitor_last_run`)[0]!.swept_to);
      }
      assert.equal(removed.slice(0, 3).reduce((a, b) => a + b), 5, 'three passes of 3 cover the 9 objects');
      assert.ok(removed.every((n) => n <= 3));
      assert.ok(stops[0] && stops[1] && stops[1] !== stops[0], 'the second pass went on after the first');
      assert.equal(stops[2], null, 'the third reached the last object: the next starts over');
      assert.equal(removed[3], 0);
      assert.ok(stops[3], 'the fourth started over');
      await assertConsistent(t.sql, t.storage);
    }, counting);
  });

  test('one instance at a time runs the janitor', async () => {
    await withApp(async (t) => {
      await t.sql`insert into job_leases (name, holder, expires_at) values ('janitor', 'another-instance', now() + interval '1 minute')`;
      assert.deepEqual(await runJanitor(janitorDeps(t), 0), { ran: false, trashed: 0, retried: 0, orphans: 0 });
      await t.sql`update job_leases set expires_at = now() - interval '1 second'`;
      assert.equal((await runJanitor(janitorDeps(t), 0)).ran, true, 'an expired lease is taken over');
    });
  });
});
