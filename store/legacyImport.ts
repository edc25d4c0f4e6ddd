/**
 * First open of the store on a deployment that ran with loose files: the
 * file ledger (`<ledgerDir>/xx/<sha>.sent`) and the evidence folder
 * (`<evidenceDir>/xx/<sha256>`) are copied in, in one transaction, and the
 * import is recorded so it never runs twice. Claims (`.claim` files) are not
 * copied: they belong to the workers that are being replaced, and any mail
 * they had not yet recorded as sent is sent again only if it was not in the ledger.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Db, Queryable } from './db';
import { insertEvidence } from './evidence';

export interface LegacyDirs {
  ledgerDir?: string;
  evidenceDir?: string;
}

export interface ImportReport {
  ledger: number;
  evidence: number;
}

const PG_IMPORT_LOCK = 7_311_012;

/** Files two levels down (`xx/name`), the layout both old folders use. */
function filesIn(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory() || !/^[0-9a-f]{2}$/.test(sub.name)) continue;
    for (const f of readdirSync(path.join(dir, sub.name), { withFileTypes: true })) if (f.isFile() && keep(f.name)) out.push(path.join(dir, sub.name, f.name));
  }
  return out.sort();
}

async function alreadyDone(q: Queryable, source: string): Promise<boolean> {
  return (await q.query('SELECT 1 AS x FROM legacy_imports WHERE source = ?', [source])).rows.length > 0;
}

async function importLedger(q: Queryable, dir: string): Promise<number> {
  let n = 0;
  for (const file of filesIn(dir, (name) => /^[0-9a-f]{64}\.sent$/.test(name))) {
    let rec: { key?: unknown; messageId?: unknown; sentAt?: unknown; accepted?: unknown; response?: unknown };
    try {
      rec = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`sent-ledger file ${file} is not valid JSON (${(e as Error).message}); nothing was imported: repair or remove that file, then start again`);
    }
    if (typeof rec.key !== 'string' || typeof rec.messageId !== 'string') throw new Error(`sent-ledger file ${file} has no key or messageId; nothing was imported: repair or remove that file, then start again`);
    const r = await q.query('INSERT INTO mail_sent (key, message_id, sent_at, accepted, response) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING', [
      rec.key,
      rec.messageId,
      typeof rec.sentAt === 'string' ? rec.sentAt : new Date(statSync(file).mtimeMs).toISOString(),
      JSON.stringify(Array.isArray(rec.accepted) ? rec.accepted.map(String) : []),
      typeof rec.response === 'string' ? rec.response : null,
    ]);
    n += r.count;
  }
  return n;
}

async function importEvidence(q: Queryable, dir: string): Promise<number> {
  let n = 0;
  for (const file of filesIn(dir, (name) => /^[0-9a-f]{64}$/.test(name))) {
    const bytes = readFileSync(file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== path.basename(file)) throw new Error(`evidence file ${file} does not hash to its name (it hashes to ${sha256}); nothing was imported: restore it from a backup or remove it, then start again`);
    // The names people gave the files are in the cycles' histories (their evidence references); here the hash stands in.
    await insertEvidence(q, bytes, { sha256, bytes: bytes.length, name: sha256, contentType: 'application/octet-stream', uploadedBy: 'import', uploadedAt: new Date(statSync(file).mtimeMs).toISOString() });
    n++;
  }
  return n;
}

export async function importLegacyFiles(db: Db, dirs: LegacyDirs): Promise<ImportReport> {
  return db.tx(async (q) => {
    if (db.dialect === 'postgres') await q.query('SELECT pg_advisory_xact_lock(?)', [PG_IMPORT_LOCK]);
    const done: ImportReport = { ledger: 0, evidence: 0 };
    const jobs: [keyof ImportReport, string | undefined, (q: Queryable, dir: string) => Promise<number>][] = [
      ['ledger', dirs.ledgerDir, importLedger],
      ['evidence', dirs.evidenceDir, importEvidence],
    ];
    for (const [kind, dir, run] of jobs) {
      if (!dir || !existsSync(dir)) continue;
      const source = `${kind}:${path.resolve(dir)}`;
      if (await alreadyDone(q, source)) continue;
      done[kind] = await run(q, dir);
      await q.query('INSERT INTO legacy_imports (source, imported_at, items) VALUES (?, ?, ?)', [source, new Date().toISOString(), done[kind]]);
    }
    return done;
  });
}
