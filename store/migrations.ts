/**
 * Schema versions, applied at open in one transaction each and recorded in
 * `schema_migrations`. Plain SQL, not a migration tool or query builder: two
 * dialects, a handful of tables, and the differences between them are three
 * words (blob type, auto-increment key, advisory lock), so a dependency would
 * cost more than it saves. Never edit a released version: add the next one.
 */
import type { Db } from './db';
import { StoreError } from './types';

interface Dialect {
  blob: string;
  serialKey: string;
}

const DIALECTS: Record<Db['dialect'], Dialect> = {
  sqlite: { blob: 'BLOB', serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT' },
  postgres: { blob: 'BYTEA', serialKey: 'BIGSERIAL PRIMARY KEY' },
};

/** Index = version - 1. */
const MIGRATIONS: ((d: Dialect) => string)[] = [
  (d) => `
    CREATE TABLE mail_sent (key TEXT PRIMARY KEY, message_id TEXT NOT NULL, sent_at TEXT NOT NULL, accepted TEXT NOT NULL, response TEXT);
    CREATE TABLE mail_claims (key TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, claimed_at BIGINT NOT NULL);
    CREATE TABLE evidence_blobs (sha256 TEXT PRIMARY KEY, bytes BIGINT NOT NULL, content ${d.blob} NOT NULL, stored_at TEXT NOT NULL);
    CREATE TABLE evidence_refs (id ${d.serialKey}, sha256 TEXT NOT NULL REFERENCES evidence_blobs (sha256), name TEXT NOT NULL,
      content_type TEXT NOT NULL, uploaded_by TEXT NOT NULL, uploaded_at TEXT NOT NULL);
    CREATE INDEX evidence_refs_sha ON evidence_refs (sha256);
    CREATE TABLE reports (workflow_id TEXT NOT NULL, format TEXT NOT NULL, unit_id TEXT NOT NULL, year INTEGER NOT NULL, path TEXT NOT NULL,
      sha256 TEXT NOT NULL, bytes BIGINT NOT NULL, created_at TEXT NOT NULL, content ${d.blob} NOT NULL, PRIMARY KEY (workflow_id, format));
    CREATE TABLE signin_tokens (token_hash TEXT PRIMARY KEY, email TEXT NOT NULL, return_to TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
    CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, email TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL,
      idle_expires_at BIGINT NOT NULL, absolute_expires_at BIGINT NOT NULL, csrf_secret TEXT NOT NULL);
    CREATE TABLE signin_attempts (id ${d.serialKey}, kind TEXT NOT NULL, key TEXT NOT NULL, at BIGINT NOT NULL);
    CREATE INDEX signin_attempts_key ON signin_attempts (kind, key, at);
    CREATE TABLE form_tokens (token TEXT PRIMARY KEY, spent_at BIGINT NOT NULL);
    CREATE TABLE legacy_imports (source TEXT PRIMARY KEY, imported_at TEXT NOT NULL, items INTEGER NOT NULL);
  `,
  // 2: the recipients refused with a sent message, so an attempt that finds it already sent (a local activity
  // re-run after its workflow task was lost) still reports them and the group leader is told.
  () => `ALTER TABLE mail_sent ADD COLUMN rejected TEXT;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Any number: it only has to be the same for every worker opening the same database. */
const PG_MIGRATION_LOCK = 7_311_011;

export async function migrate(db: Db, where: string): Promise<number> {
  return db.tx(async (q) => {
    // Two workers starting at once: the second waits here, then finds nothing to do.
    if (db.dialect === 'postgres') await q.query('SELECT pg_advisory_xact_lock(?)', [PG_MIGRATION_LOCK]);
    await q.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const row = (await q.query('SELECT MAX(version) AS v FROM schema_migrations')).rows[0];
    const current = Number(row?.v ?? 0);
    if (current > SCHEMA_VERSION) {
      throw new StoreError(
        'DATABASE_NEWER_THAN_CODE',
        `${where} has schema version ${current} but this code knows only up to ${SCHEMA_VERSION}: run the newer release of this application (or restore a backup taken before the upgrade)`,
      );
    }
    for (let v = current + 1; v <= SCHEMA_VERSION; v++) {
      await q.exec(MIGRATIONS[v - 1](DIALECTS[db.dialect]));
      await q.query('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [v, new Date().toISOString()]);
    }
    return SCHEMA_VERSION;
  });
}
