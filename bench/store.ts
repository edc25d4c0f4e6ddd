/**
 * Bench section: the sent-ledger cost per message (claim, then record as sent)
 * on the store's SQLite and PostgreSQL backends and on the old FileLedger, in
 * the same run on the same disk. PostgreSQL is a throwaway local cluster with
 * fsync on (durable), so the figures compare like with like.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { FileLedger, StoreLedger, type SentLedger } from '../activities/ledger';
import { startPgCluster } from '../infra/postgres';
import { openStore } from '../store';

export interface StoreBenchResult {
  backend: 'file' | 'sqlite' | 'postgres';
  n: number;
  usPerOp: number;
}

async function measure(ledger: SentLedger, n: number, tag: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const key = `${tag}/wf-${i}/2026-12/office/dispatch/0`;
    if (!(await ledger.claim(key))) throw new Error(`bench: claim of ${key} refused`);
    await ledger.markSent({ key, messageId: `<${i}@bench>`, sentAt: new Date().toISOString(), accepted: ['office@bench.local'] });
  }
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

export async function benchStore(n = Number(process.env.BENCH_STORE_N ?? 2000), log: (line: string) => void = console.log): Promise<StoreBenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-store-'));
  const results: StoreBenchResult[] = [];
  const pg = await startPgCluster({ durable: true });
  try {
    results.push({ backend: 'file', n, usPerOp: await measure(new FileLedger(path.join(dir, 'file-ledger')), n, 'file') });
    const sqlite = await openStore({ dataDir: path.join(dir, 'sqlite'), legacy: false });
    results.push({ backend: 'sqlite', n, usPerOp: await measure(new StoreLedger(sqlite.ledger), n, 'sqlite') });
    await sqlite.close();
    const postgres = await openStore({ databaseUrl: await pg.createDatabase('bench'), dataDir: dir, legacy: false });
    results.push({ backend: 'postgres', n, usPerOp: await measure(new StoreLedger(postgres.ledger), n, 'postgres') });
    await postgres.close();
  } finally {
    pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const r of results) log(`ledger claim+record  ${r.backend.padEnd(8)} ${r.usPerOp.toFixed(0).padStart(6)} µs/op  (n=${r.n})`);
  return results;
}
