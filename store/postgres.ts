/**
 * PostgreSQL backend (DATABASE_URL): a `pg` pool. A lost connection or a
 * server that is down becomes one DATABASE_UNAVAILABLE line; a transaction
 * cut off in the middle is rolled back by the server, so nothing is half-written.
 */
import { Pool, type PoolClient } from 'pg';
import type { Db, Queryable, Rows } from './db';
import { StoreError } from './types';

/** Connection-level failures, as opposed to a refused statement (which is a bug or bad input and keeps its own error). */
function isUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  if (typeof err.code === 'string' && /^(08|57P0)/.test(err.code)) return true; // connection_exception, admin/crash shutdown
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENOENT'].includes(err.code ?? '')) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(err.message ?? '');
}

/** scheme://host:port/db only: a password in the URL is never printed. */
export function describePgUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export interface PgHooks {
  /** Fault injection for tests: runs inside every transaction just before COMMIT. */
  beforeCommit?: (client: PoolClient) => Promise<void>;
}

export function openPgDb(url: string, hooks: PgHooks = {}): Db {
  const where = describePgUrl(url);
  const pool = new Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 10_000 });
  // An idle connection the server dropped must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const wrap = (e: unknown): unknown => {
    if (e instanceof StoreError || !isUnavailable(e)) return e;
    const why = String((e as Error).message ?? e).replace(/\s+/g, ' ').slice(0, 200);
    return new StoreError('DATABASE_UNAVAILABLE', `PostgreSQL at ${where} cannot be reached (${why}): check DATABASE_URL and that the server is running; nothing was written`);
  };
  const on = (c: Pool | PoolClient): Queryable => ({
    async query(sql, params = []): Promise<Rows> {
      let n = 0;
      const r = await c.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      );
      return { rows: r.rows as Record<string, unknown>[], count: r.rowCount ?? 0 };
    },
    async exec(sql) {
      await c.query(sql);
    },
  });
  const direct = on(pool);
  return {
    dialect: 'postgres',
    query: (sql, params) => direct.query(sql, params).catch((e) => Promise.reject(wrap(e))),
    exec: (sql) => direct.exec(sql).catch((e) => Promise.reject(wrap(e))),
    async tx(fn) {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw wrap(e);
      }
      let broken: Error | undefined;
      // A connection cut while checked out emits 'error' too; the failing query already reports it.
      const ignore = () => undefined;
      client.on('error', ignore);
      try {
        await client.query('BEGIN');
        const r = await fn(on(client));
        await hooks.beforeCommit?.(client);
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK').catch((re: Error) => (broken = re));
        throw wrap(e);
      } finally {
        // A connection that could not even roll back is discarded, not returned to the pool.
        client.off('error', ignore);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
