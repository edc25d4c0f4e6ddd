/**
 * The store's contract, run against both backends: SQLite (a file in a temp
 * folder) and PostgreSQL (a throwaway cluster). Two Store instances on one
 * database stand in for two workers.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { openStore, SCHEMA_VERSION, StoreError, type Store, type StoreOptions } from '../../store';
import { tempDir } from '../helpers/temporal';
import { usePostgres } from '../helpers/postgres';

const pg = usePostgres();
const me = { host: os.hostname(), pid: process.pid };
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A pid that surely existed and is gone now. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout as unknown as number;
}

async function* chunks(...parts: (string | Error)[]): AsyncIterable<Uint8Array> {
  for (const p of parts) {
    if (p instanceof Error) throw p;
    yield Buffer.from(p);
  }
}

async function refusal(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreError);
  expect((e as Error).message).not.toContain('\n');
  return e as StoreError;
}

describe.each(['sqlite', 'postgres'] as const)('store on %s', (backend) => {
  let opts: StoreOptions;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    opts = { dataDir: tempDir(`store-${backend}`), databaseUrl: backend === 'postgres' ? await pg.freshDatabase() : undefined };
    a = await openStore(opts);
    b = await openStore(opts);
  });
  afterEach(async () => {
    await a?.close();
    await b?.close();
  });

  test('the backend is the one asked for, at the current schema version', async () => {
    expect(a.backend).toBe(backend);
    expect(await a.version()).toBe(SCHEMA_VERSION);
  });

  describe('ledger', () => {
    test('a live claim is refused; a claim by a dead process on this host is taken over at once', async () => {
      const now = Date.now();
      expect(await a.ledger.claim('k1', me, now)).toBe(true);
      expect(await b.ledger.claim('k1', { ...me, pid: process.pid + 0 }, now + 1000)).toBe(false); // same live holder
      expect(await b.ledger.claim('k1', { host: 'other-host', pid: 42 }, now + 1000)).toBe(false);
      const gone = Number(deadPid());
      expect(await a.ledger.claim('k2', { ...me, pid: gone }, now)).toBe(true);
      expect(await b.ledger.claim('k2', me, now + 1)).toBe(true);
      // A dead pid on another host proves nothing about the holder there: it waits for staleness.
      expect(await a.ledger.claim('k3', { host: 'other-host', pid: gone }, now)).toBe(true);
      expect(await b.ledger.claim('k3', me, now + 1)).toBe(false);
    });

    test('a claim older than 90 s is taken over by one claimer only', async () => {
      const now = Date.now();
      expect(await a.ledger.claim('k', { host: 'other-host', pid: 7 }, now)).toBe(true);
      expect(await a.ledger.claim('k', me, now + 89_000)).toBe(false);
      const [x, y] = await Promise.all([a.ledger.claim('k', { host: 'h-a', pid: 1 }, now + 91_000), b.ledger.claim('k', { host: 'h-b', pid: 2 }, now + 91_000)]);
      expect([x, y].filter(Boolean)).toHaveLength(1);
    });

    test('concurrent claims from two stores on one database: exactly one wins each key', async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `race-${i}`);
      const results = await Promise.all(keys.flatMap((k) => [a.ledger.claim(k, { host: 'h-a', pid: 1 }, Date.now()), b.ledger.claim(k, { host: 'h-b', pid: 2 }, Date.now())]));
      for (let i = 0; i < keys.length; i++) expect(Number(results[2 * i]) + Number(results[2 * i + 1])).toBe(1);
    });

    test('markSent records and releases in one go; a sent key cannot be claimed; release frees a claim', async () => {
      const now = Date.now();
      expect(await a.ledger.claim('m', me, now)).toBe(true);
      expect(await a.ledger.sent('m')).toBeUndefined();
      await a.ledger.markSent({ key: 'm', messageId: '<m@x>', sentAt: '2026-12-31T01:00:00.000Z', accepted: ['a@x', 'b@x'], rejected: ['c@x'], response: '250 ok' });
      expect(await b.ledger.sent('m')).toEqual({ key: 'm', messageId: '<m@x>', sentAt: '2026-12-31T01:00:00.000Z', accepted: ['a@x', 'b@x'], rejected: ['c@x'], response: '250 ok' });
      expect(await b.ledger.claim('m', me, now + 200_000)).toBe(false);
      expect(await a.ledger.claim('r', me, now)).toBe(true);
      await a.ledger.release('r');
      expect(await b.ledger.claim('r', { host: 'h-b', pid: 2 }, now)).toBe(true);
    });
  });

  describe('evidence', () => {
    test('put then get: content-addressed, bytes shared between two uploads of the same file', async () => {
      const m1 = await a.evidence.put(chunks('年度', ' report'), { name: 'r.txt', contentType: 'text/plain', uploadedBy: 'p1', maxBytes: 100 });
      expect(m1).toMatchObject({ sha256: sha('年度 report'), bytes: Buffer.byteLength('年度 report'), name: 'r.txt', contentType: 'text/plain', uploadedBy: 'p1' });
      const m2 = await b.evidence.put(chunks('年度 report'), { name: 'copy.txt', uploadedBy: 'p2', maxBytes: 100, expectedSha256: m1.sha256 });
      expect(m2.sha256).toBe(m1.sha256);
      const got = await b.evidence.get(m1.sha256);
      expect(got?.bytes.toString()).toBe('年度 report');
      expect(got?.meta.name).toBe('r.txt');
      expect(await a.evidence.has(m1.sha256)).toBe(true);
      expect(await a.evidence.get(sha('nothing'))).toBeUndefined();
    });

    test('too large, truncated or forged uploads are refused and leave nothing behind', async () => {
      let pulled = 0;
      async function* endless() {
        for (;;) {
          pulled++;
          yield Buffer.alloc(1024, 1);
        }
      }
      expect((await refusal(a.evidence.put(endless(), { name: 'big', uploadedBy: 'p', maxBytes: 4096 }))).code).toBe('EVIDENCE_TOO_LARGE');
      expect(pulled).toBe(5); // stopped at the first chunk past the cap
      expect((await refusal(a.evidence.put(chunks('half', new Error('socket hang up')), { name: 'cut', uploadedBy: 'p', maxBytes: 100 }))).code).toBe('EVIDENCE_TRUNCATED');
      expect((await refusal(a.evidence.put(chunks('real'), { name: 'f', uploadedBy: 'p', maxBytes: 100, expectedSha256: sha('forged') }))).code).toBe('EVIDENCE_HASH_MISMATCH');
      expect((await refusal(a.evidence.put(chunks('real'), { name: 'f', uploadedBy: 'p', maxBytes: 100, expectedSha256: 'abc' }))).code).toBe('EVIDENCE_HASH_MISMATCH');
      expect((await refusal(a.evidence.put('a string' as unknown as AsyncIterable<Uint8Array>, { name: 'n', uploadedBy: 'p', maxBytes: 100 }))).code).toBe('EVIDENCE_NOT_A_FILE');
      for (const s of [sha(Buffer.alloc(4096, 1)), sha('half'), sha('real')]) expect(await b.evidence.has(s)).toBe(false);
    });
  });

  test('report index: recorded, listed, content served, a rewrite replaces', async () => {
    const row = { workflowId: 'wf-1', unitId: 'u', year: 2026, path: '/r/wf-1/appraisal.md', sha256: sha('# v1'), bytes: 4, createdAt: '2026-12-31T00:00:00.000Z' };
    await a.reports.record({ ...row, format: 'md' }, Buffer.from('# v1'));
    await a.reports.record({ ...row, format: 'json', path: '/r/wf-1/appraisal.json' }, Buffer.from('{}'));
    await a.reports.record({ ...row, format: 'md', sha256: sha('# v2') }, Buffer.from('# v2'));
    expect((await b.reports.list('wf-1')).map((r) => [r.format, r.sha256])).toEqual([
      ['json', row.sha256],
      ['md', sha('# v2')],
    ]);
    expect((await b.reports.content('wf-1', 'md'))?.toString()).toBe('# v2');
    expect(await b.reports.content('wf-1', 'csv')).toBeUndefined();
    expect(await b.reports.list('other')).toEqual([]);
  });

  describe('web sign-in', () => {
    test('a sign-in token is spent once, and not at all once expired', async () => {
      const t = { tokenHash: 'h1', email: 'a@x', returnTo: '/cycles', createdAt: 1000, expiresAt: 2000 };
      await a.auth.createSignInToken(t);
      await a.auth.createSignInToken({ ...t, tokenHash: 'h2' });
      const [x, y] = await Promise.all([a.auth.consumeSignInToken('h1', 1500), b.auth.consumeSignInToken('h1', 1500)]);
      expect([x, y].filter(Boolean)).toEqual([t]);
      expect(await a.auth.consumeSignInToken('h2', 2000)).toBeUndefined();
      expect(await a.auth.consumeSignInToken('nope', 1500)).toBeUndefined();
    });

    test('sessions expire when idle or at their absolute limit, touch extends only up to it, delete ends them', async () => {
      const s = { idHash: 's1', email: 'a@x', createdAt: 0, lastSeenAt: 0, idleExpiresAt: 100, absoluteExpiresAt: 1000, csrfSecret: 'c' };
      await a.auth.createSession(s);
      expect(await b.auth.getSession('s1', 50)).toEqual(s);
      expect(await b.auth.getSession('s1', 100)).toBeUndefined();
      await a.auth.touchSession('s1', 90, 5000);
      expect(await b.auth.getSession('s1', 500)).toMatchObject({ lastSeenAt: 90, idleExpiresAt: 1000 });
      expect(await b.auth.getSession('s1', 1000)).toBeUndefined();
      await a.auth.createSession({ ...s, idHash: 's2' });
      await a.auth.deleteSession('s2');
      expect(await b.auth.getSession('s2', 50)).toBeUndefined();
    });

    test('attempts are counted per key within the window; a form token is spent once', async () => {
      const counts = [];
      for (const now of [100, 200, 300]) counts.push(await a.auth.countAndRecordAttempt('address', 'a@x', now, now - 150));
      expect(counts).toEqual([1, 2, 2]);
      expect(await b.auth.countAndRecordAttempt('client', 'a@x', 300, 0)).toBe(1);
      const spent = await Promise.all([a.auth.spendFormToken('f1', 1), b.auth.spendFormToken('f1', 1)]);
      expect(spent.sort()).toEqual([false, true]);
      expect(await a.auth.spendFormToken('f1', 2)).toBe(false);
    });
  });

  async function rawExec(sql: string) {
    if (backend === 'sqlite') {
      const raw = new Database(path.join(opts.dataDir, 'app.sqlite'));
      raw.exec(sql);
      raw.close();
    } else {
      const c = new Client({ connectionString: opts.databaseUrl });
      await c.connect();
      await c.query(sql);
      await c.end();
    }
  }

  test('migrations: a schema-1 ledger is upgraded in place; its records keep every field and gain no refusals', async () => {
    await a.ledger.markSent({ key: 'old', messageId: '<o>', sentAt: 'x', accepted: ['a@x'], response: '250 ok' });
    await Promise.all([a.close(), b.close()]);
    // Back to schema 1, as a database written by the release before this migration.
    await rawExec('ALTER TABLE mail_sent DROP COLUMN rejected; DELETE FROM schema_migrations WHERE version > 1;');
    a = await openStore(opts);
    b = await openStore(opts);
    expect(await a.version()).toBe(SCHEMA_VERSION);
    expect(await a.ledger.sent('old')).toEqual({ key: 'old', messageId: '<o>', sentAt: 'x', accepted: ['a@x'], response: '250 ok' });
    await a.ledger.markSent({ key: 'new', messageId: '<n>', sentAt: 'y', accepted: [], rejected: ['b@x'] });
    expect((await b.ledger.sent('new'))?.rejected).toEqual(['b@x']);
  });

  test('migrations: re-opening is a no-op; a database from newer code is refused', async () => {
    await a.ledger.markSent({ key: 'keep', messageId: '<k>', sentAt: 'x', accepted: [] });
    const again = await openStore(opts);
    expect(await again.version()).toBe(SCHEMA_VERSION);
    expect(await again.ledger.sent('keep')).toBeDefined();
    await again.close();
    await rawExec(`INSERT INTO schema_migrations (version, applied_at) VALUES (${SCHEMA_VERSION + 1}, 'future')`);
    const e = await refusal(openStore(opts));
    expect(e.code).toBe('DATABASE_NEWER_THAN_CODE');
    expect(e.message).toContain(`version ${SCHEMA_VERSION + 1}`);
  });
});

describe('PostgreSQL going away', () => {
  test('a backend killed mid-transaction: one DATABASE_UNAVAILABLE line, nothing half-written, and the store recovers', async () => {
    const url = await pg.freshDatabase();
    const admin = new Client({ connectionString: url });
    await admin.connect();
    let armed = false;
    const s = await openStore({
      databaseUrl: url,
      dataDir: tempDir('store-pg-away'),
      pgHooks: {
        async beforeCommit(client) {
          if (!armed) return;
          armed = false;
          const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
          await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        },
      },
    });
    armed = true;
    try {
      expect((await refusal(s.ledger.claim('k', me, Date.now()))).code).toBe('DATABASE_UNAVAILABLE'); // this claim's transaction is cut off
      const after = await s.ledger.claim('k', me, Date.now());
      expect(after).toBe(true); // the first claim never committed
      armed = true;
      const e = await refusal(s.ledger.markSent({ key: 'k', messageId: '<k>', sentAt: 'now', accepted: ['a@x'] }));
      expect(e.code).toBe('DATABASE_UNAVAILABLE');
      expect(e.message).toMatch(/^DATABASE_UNAVAILABLE: PostgreSQL at postgres:\/\/127\.0\.0\.1:\d+\/\S+ cannot be reached .*check DATABASE_URL/);
      // Neither half of markSent happened: no sent row, the claim still held.
      expect(await s.ledger.sent('k')).toBeUndefined();
      expect((await admin.query('SELECT count(*)::int AS n FROM mail_claims WHERE key = $1', ['k'])).rows[0].n).toBe(1);
    } finally {
      await s.close();
      await admin.end();
    }
  });

  test('the server stopped: every call is one DATABASE_UNAVAILABLE line', async () => {
    const url = await pg.freshDatabase();
    const s = await openStore({ databaseUrl: url, dataDir: tempDir('store-pg-down') });
    pg.cluster().halt();
    try {
      const e = await refusal(s.ledger.sent('k'));
      expect(e.code).toBe('DATABASE_UNAVAILABLE');
      expect((await refusal(s.ledger.markSent({ key: 'k', messageId: '<k>', sentAt: 'now', accepted: [] }))).code).toBe('DATABASE_UNAVAILABLE');
      expect((await refusal(openStore({ databaseUrl: url, dataDir: tempDir('store-pg-down') }))).code).toBe('DATABASE_UNAVAILABLE');
    } finally {
      pg.cluster().start();
      await s.close();
    }
  });
});
