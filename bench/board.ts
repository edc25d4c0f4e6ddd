/**
 * Bench section "board": `cycle board` over N running cycles on a private dev
 * server (one status query per cycle) against listing the same cycles through
 * visibility alone (`cycle list`: search attributes, no worker involved).
 * Run alone: `node dist/bench/board.js` (BENCH_N=100 by default).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { listCycles } from '../app/actions/admin';
import { board } from '../app/actions/board';
import type { AppContext } from '../app/context';
import { ensureSearchAttributes } from '../client/cycles';
import { loadPlan } from '../client/planLoader';
import { cycleWorkflowId } from '../domain/names';
import { smtpTransport } from '../infra/connection';
import { freePort, startDevServer } from '../infra/devServer';
import { SEED_PLAN_PATH } from '../infra/paths';
import { requireProvisioned } from '../infra/provision';
import { MailSink } from '../infra/smtpSink';
import type { EvidenceStore } from '../store/types';
import { createCycleWorker } from '../worker/worker';
import type { supervisionCycle } from '../workflows/cycle';
import { median, round } from './util';

export interface BoardBench {
  n: number;
  runs: number;
  /** Median wall time of one whole board (N status queries, 16 at a time), ms. */
  boardMs: number;
  /** Median wall time of listing the N cycles by visibility (search attributes), ms. */
  listMs: number;
  ratio: number;
  perCycleBoardMs: number;
  ranked: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

export async function benchBoard(n: number, runs = 3): Promise<BoardBench> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // installed already
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-board-'));
  const server = await startDevServer({ dbFile: path.join(dir, 'temporal.sqlite'), port: await freePort(), server: requireProvisioned('dev'), logFile: path.join(dir, 'server.log') });
  const sink = await new MailSink().start();
  const transport = smtpTransport(sink.url);
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const connection = await NativeConnection.connect({ address: server.address });
  try {
    await ensureSearchAttributes(client, 'default');
    const taskQueue = 'bench-board';
    const worker = await createCycleWorker({ connection, namespace: 'default', taskQueue, transport, mailFrom: 'bench@local', dataDir: dir });
    return await worker.runUntil(async () => {
      const seed = loadPlan(SEED_PLAN_PATH);
      const units = Array.from({ length: n }, (_, i) => `bench-unit-${String(i).padStart(4, '0')}`);
      const handles = await Promise.all(
        units.map((id) => client.workflow.start<typeof supervisionCycle>('supervisionCycle', { taskQueue, workflowId: cycleWorkflowId(id, seed.year), args: [{ plan: { ...seed, unit: { id, name: { zh: id, en: id } } }, options: { searchAttributes: true } }] })),
      );
      // Every cycle has run its first turn (and published its search attributes) before timing starts.
      const ctx: AppContext = { client, namespace: 'default', taskQueue, evidence: {} as EvidenceStore };
      for (let i = 0; i < 600 && (await listCycles(ctx, { runningOnly: true })).filter((c) => c.phase).length < n; i++) await new Promise((r) => setTimeout(r, 100));
      await board(ctx, { units }, seed.year); // warm the worker's cache
      const boardMs: number[] = [];
      const listMs: number[] = [];
      let ranked = 0;
      for (let r = 0; r < runs; r++) {
        const [b, result] = await timed(() => board(ctx, { units }, seed.year));
        boardMs.push(b);
        ranked = result.rows.length;
        listMs.push((await timed(() => listCycles(ctx, { runningOnly: true })))[0]);
      }
      await Promise.all(handles.map((h) => h.terminate('bench done')));
      const bm = median(boardMs);
      const lm = median(listMs);
      return { n, runs, boardMs: round(bm, 1), listMs: round(lm, 1), ratio: round(bm / lm, 2), perCycleBoardMs: round(bm / n, 2), ranked };
    });
  } finally {
    await client.connection.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    transport.close?.();
    await sink.stop();
    await server.stop();
    if (!process.env.BENCH_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const ns = (process.env.BENCH_N ?? '100').split(',').map(Number);
  (async () => {
    for (const n of ns) console.log(JSON.stringify(await benchBoard(n, Number(process.env.BENCH_RUNS ?? 3))));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
