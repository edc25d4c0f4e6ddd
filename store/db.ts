/**
 * The little the store needs from a database, so one implementation of the
 * ledger, evidence, reports and sign-in tables serves both SQLite and
 * PostgreSQL. SQL is written with `?` placeholders (PostgreSQL's adapter
 * numbers them) and sticks to what both dialects share: ON CONFLICT,
 * RETURNING, plain types.
 */
export interface Rows {
  rows: Record<string, unknown>[];
  /** Rows inserted, updated or deleted by the statement. */
  count: number;
}

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<Rows>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly dialect: 'sqlite' | 'postgres';
  /** Run `fn` in one transaction: all of it is written, or none of it. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function one(q: Queryable, sql: string, params?: unknown[]): Promise<Record<string, unknown> | undefined> {
  return (await q.query(sql, params)).rows[0];
}
