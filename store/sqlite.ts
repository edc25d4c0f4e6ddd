/**
 * SQLite backend: one file (DATA_DIR/app.sqlite) in WAL mode, so readers do
 * not block the writer and several processes on one machine may share it.
 * better-sqlite3 is synchronous; statements are queued so that one async
 * transaction's statements never interleave with another call's. The queue
 * is per file, not per connection: a second connection in the same process
 * waiting on the lock would block the only thread, and with it the holder.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { Db, Queryable, Rows } from './db';

const queues = new Map<string, Promise<unknown>>();

function serialOn(file: string) {
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = (queues.get(file) ?? Promise.resolve()).then(fn, fn);
    queues.set(file, run.catch(() => undefined));
    return run;
  };
}

/**
 * synchronous: NORMAL (the default) commits to the WAL without an fsync: a commit survives a crash of any
 * process, and only the last ones can be lost on power loss (as for the Temporal dev server's own file).
 * FULL fsyncs every commit: measured 2.4x slower at a 200-cycle month-end dispatch (bench "6 tuning").
 */
export function openSqliteDb(file: string, synchronous: 'NORMAL' | 'FULL' = 'NORMAL'): Db {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Another process holding the write lock (a second worker on this host): wait for it rather than fail.
  db.pragma('busy_timeout = 10000');
  db.pragma(`synchronous = ${synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  const statements = new Map<string, Database.Statement>();
  const direct: Queryable = {
    async query(sql, params = []): Promise<Rows> {
      let st = statements.get(sql);
      if (!st) statements.set(sql, (st = db.prepare(sql)));
      if (st.reader) {
        const rows = st.all(...params) as Record<string, unknown>[];
        return { rows, count: rows.length };
      }
      return { rows: [], count: st.run(...params).changes };
    },
    async exec(sql) {
      db.exec(sql);
    },
  };
  const serial = serialOn(path.resolve(file));
  return {
    dialect: 'sqlite',
    query: (sql, params) => serial(() => direct.query(sql, params)),
    exec: (sql) => serial(() => direct.exec(sql)),
    tx: (fn) =>
      serial(async () => {
        // IMMEDIATE takes the write lock now: two processes never both read, then both try to write.
        db.exec('BEGIN IMMEDIATE');
        try {
          const r = await fn(direct);
          db.exec('COMMIT');
          return r;
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      }),
    close: () => serial(async () => void db.close()),
  };
}
