/**
 * Opening the store: SQLite in DATA_DIR by default, PostgreSQL when a
 * DATABASE_URL is given. Migrations run at open; a deployment's old loose
 * files (sent ledger, evidence) are imported once.
 */
import * as path from 'node:path';
import { dbAuth } from './auth';
import type { Db } from './db';
import { dbEvidence } from './evidence';
import { importLegacyFiles, type ImportReport, type LegacyDirs } from './legacyImport';
import { dbLedger } from './ledger';
import { migrate } from './migrations';
import type { PgHooks } from './postgres';
import { dbReports } from './reports';
import { openSqliteDb } from './sqlite';
import type { Store } from './types';

export * from './types';
export { CLAIM_STALE_MS, holderIsDead } from './ledger';
export { SCHEMA_VERSION } from './migrations';

export interface StoreOptions {
  /** postgres://user[:password]@host:port/db; without it, SQLite at `<dataDir>/app.sqlite`. */
  databaseUrl?: string;
  dataDir: string;
  /** Old file folders to import once; defaults to `<dataDir>/sent-ledger` and `<dataDir>/evidence`. `false`: import nothing. */
  legacy?: LegacyDirs | false;
  /** SQLite's `synchronous` pragma (STORE_SQLITE_SYNCHRONOUS): NORMAL by default, FULL to survive power loss. */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  /** Fault injection for tests (PostgreSQL only). */
  pgHooks?: PgHooks;
}

export interface OpenedStore extends Store {
  /** What the first open imported from old files (zeros when nothing was to import). */
  readonly imported: ImportReport;
}

export const SQLITE_FILE = 'app.sqlite';

export async function openStore(o: StoreOptions): Promise<OpenedStore> {
  const backend = o.databaseUrl ? 'postgres' : 'sqlite';
  const file = path.join(path.resolve(o.dataDir), SQLITE_FILE);
  let db: Db;
  let where = file;
  if (!o.databaseUrl) db = openSqliteDb(file, o.sqliteSynchronous);
  else {
    // The PostgreSQL driver (about 55 ms to load) is loaded only by a deployment that names a database.
    const pg = await import('./postgres');
    db = pg.openPgDb(o.databaseUrl, o.pgHooks);
    where = pg.describePgUrl(o.databaseUrl);
  }
  let imported: ImportReport;
  try {
    await migrate(db, where);
    const legacy = o.legacy === false ? {} : { ledgerDir: path.join(o.dataDir, 'sent-ledger'), evidenceDir: path.join(o.dataDir, 'evidence'), ...o.legacy };
    imported = await importLegacyFiles(db, legacy);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  return {
    backend,
    imported,
    ledger: dbLedger(db),
    evidence: dbEvidence(db),
    reports: dbReports(db),
    auth: dbAuth(db),
    async version() {
      return Number((await db.query('SELECT MAX(version) AS v FROM schema_migrations')).rows[0]?.v ?? 0);
    },
    close: () => db.close(),
  };
}

/**
 * The store's settings from the environment: DATABASE_URL (PostgreSQL) and
 * DATA_DIR (where the SQLite file and the old files live). The one place
 * that reads them, so the central configuration can take it over whole.
 */
/** The store a deployment's configuration names (infra/config.ts parsed and checked DATABASE_URL and the folders). */
export function openConfiguredStore(c: { databaseUrl?: string; dataDir: string; ledgerDir: string; evidenceDir: string; storeSqliteSynchronous?: 'NORMAL' | 'FULL' }): Promise<OpenedStore> {
  return openStore({ databaseUrl: c.databaseUrl, dataDir: c.dataDir, sqliteSynchronous: c.storeSqliteSynchronous, legacy: { ledgerDir: c.ledgerDir, evidenceDir: c.evidenceDir } });
}
