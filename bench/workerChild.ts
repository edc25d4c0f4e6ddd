/**
 * A worker in its own process for the dispatch benchmark, so its memory and
 * CPU can be read from /proc and profiled with --cpu-prof. Mode "cycle" is
 * the product worker (createCycleWorker, exactly what worker/main.ts builds)
 * plus optional WorkerOptions tuning; mode "baseline" runs the baseline
 * workflows. Configured by the BENCH_WORKER_CONFIG environment variable (JSON);
 * prints BENCH_WORKER_READY <ms> once polling; stops on SIGINT/SIGTERM.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { smtpTransport } from '../infra/connection';
import { createCycleWorker } from '../worker/worker';
import { dataPaths, loadConfig } from '../infra/config';
import { openStore } from '../store';
import { createBaselineActivities } from './baselineActivities';
import type { DispatchMode } from './dispatchTypes';

export interface WorkerChildConfig {
  mode: DispatchMode;
  address: string;
  namespace: string;
  taskQueue: string;
  smtpUrl: string;
  ledgerDir: string;
  /** The sent ledger: the store on SQLite in storeDir (the product default), on PostgreSQL at databaseUrl, or files in ledgerDir. */
  ledger?: 'sqlite' | 'postgres' | 'file';
  storeDir?: string;
  databaseUrl?: string;
  reportsDir: string;
  /** A pre-built bundle file; absent: the cycle worker bundles the sources at start, as the product does. */
  bundlePath?: string;
  tuning?: Partial<WorkerOptions>;
  /** false: the SMTP transport without TCP_NODELAY (as before round two), to measure what it saves. */
  smtpNoDelay?: boolean;
  /** The sticky-cache size; absent: the product's (WORKER_MAX_CACHED_WORKFLOWS or its default); 'sdk': the SDK's own default. */
  maxCachedWorkflows?: number | 'sdk';
  /** V8's heap growth; absent: the product's (WORKER_HEAP_GROWING_PERCENT or its default); 0: V8's own (or the node flags'). */
  heapGrowingPercent?: number;
  /** The workflow thread's heap limit (MiB); absent: the product's (WORKER_WORKFLOW_HEAP_MIB or its default); 0: V8's own (or the node flags'). */
  workflowHeapMiB?: number;
}

async function main() {
  const t0 = performance.now();
  const cfg = JSON.parse(process.env.BENCH_WORKER_CONFIG ?? '{}') as WorkerChildConfig;
  const connection = await NativeConnection.connect({ address: cfg.address });
  const transport = smtpTransport(cfg.smtpUrl, undefined, { noDelay: cfg.smtpNoDelay !== false });
  let worker: Worker;
  const product = loadConfig().worker;
  const store = cfg.mode === 'cycle' && cfg.ledger !== 'file' ? await openStore({ databaseUrl: cfg.databaseUrl, dataDir: cfg.storeDir!, legacy: false }) : undefined;
  if (cfg.mode === 'cycle') {
    worker = await createCycleWorker({
      connection,
      namespace: cfg.namespace,
      taskQueue: cfg.taskQueue,
      transport,
      mailFrom: '"绩效考核小组 Assessment Group" <assessment-group@bench.local>',
      ...(store ? { store, journalDir: dataPaths(cfg.storeDir!).journal } : { ledgerDir: cfg.ledgerDir }),
      reportsDir: cfg.reportsDir,
      workflowBundle: cfg.bundlePath ? { codePath: cfg.bundlePath } : undefined,
      maxCachedWorkflows: cfg.maxCachedWorkflows === 'sdk' ? undefined : (cfg.maxCachedWorkflows ?? product.maxCachedWorkflows),
      heapGrowingPercent: cfg.heapGrowingPercent ?? product.heapGrowingPercent,
      workflowHeapMiB: cfg.workflowHeapMiB ?? product.workflowHeapMiB,
      tuning: cfg.tuning,
    });
  } else {
    if (!cfg.bundlePath) throw new Error('baseline mode needs bundlePath');
    worker = await Worker.create({
      connection,
      namespace: cfg.namespace,
      taskQueue: cfg.taskQueue,
      workflowBundle: { codePath: cfg.bundlePath },
      activities: createBaselineActivities({ transport, from: '"Baseline" <baseline@bench.local>' }),
      ...cfg.tuning,
    });
  }
  const running = worker.run(); // the SDK shuts down gracefully on SIGINT/SIGTERM
  // Worker.run() has started its pollers by the time the state says RUNNING.
  while (worker.getState() === 'INITIALIZED') await new Promise((r) => setTimeout(r, 5));
  // Ready time, then the wall clock and the monotonic clock (µs, the clock of --cpu-prof samples) to map one onto the other.
  process.stdout.write(`BENCH_WORKER_READY ${(performance.now() - t0).toFixed(0)} ${Date.now()} ${process.hrtime.bigint() / 1000n}\n`);
  await running;
  await store?.close();
  transport.close?.();
  await connection.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
