/** Builds the worker that runs the supervision cycle and its activities. */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { bundleCacheDir, dataPaths, type AppConfig } from '../infra/config';
import { createActivities, FileLedger, StoreLedger, type MailTransport } from '../activities';
import type { Store } from '../store/types';
import { bundlerOptions, WORKFLOWS_PATH, workflowBundleFor } from './bundle';
import { applyHeapGrowingPercent, applyWorkflowHeapLimit } from './memory';

export interface CycleWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  transport: MailTransport;
  mailFrom: string;
  /** The application store: its ledger replaces the ledger folder, and every report file is indexed in it. */
  store?: Store;
  /** The sent ledger (without a store) and report files live here (as ledger/ and reports/) unless named one by one. */
  dataDir?: string;
  ledgerDir?: string;
  reportsDir?: string;
  /** This machine's journal of sends not yet recorded in the store (crash safety; see StoreLedger). */
  journalDir?: string;
  /** The web door's address, for the links in mail (PUBLIC_URL). */
  publicUrl?: string;
  /** A pre-built workflow bundle (tests bundle once per suite); otherwise the sources are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * Use the workflow bundle cached on disk (worker/bundle.ts), building it on a miss, instead of
   * bundling at every start. A folder names where the cache lives. Ignored when workflowBundle is given.
   */
  bundleCache?: boolean | { dir: string };
  /** Sticky-cache size (WORKER_MAX_CACHED_WORKFLOWS); tuning may still override it. Absent: the SDK's default. */
  maxCachedWorkflows?: number;
  /** V8's heap growth for this process (WORKER_HEAP_GROWING_PERCENT, worker/memory.ts); absent or 0 sets nothing. */
  heapGrowingPercent?: number;
  /** The workflow thread's heap limit in MiB (WORKER_WORKFLOW_HEAP_MIB, worker/memory.ts); absent or 0 sets nothing. */
  workflowHeapMiB?: number;
  /** Extra worker tuning (concurrency, cache size). */
  tuning?: Partial<WorkerOptions>;
}

export { WORKFLOWS_PATH };

export async function createCycleWorker(o: CycleWorkerOptions): Promise<Worker> {
  const ledgerDir = o.ledgerDir ?? (o.dataDir && dataPaths(o.dataDir).ledger);
  const reportsDir = o.reportsDir ?? (o.dataDir && dataPaths(o.dataDir).reports);
  if ((!ledgerDir && !o.store) || !reportsDir) throw new Error('createCycleWorker needs dataDir, or reportsDir and either a store or ledgerDir');
  const activities = createActivities({
    transport: o.transport,
    // The journal covers a remote database's round trip; a local SQLite commit is as quick as the journal would be.
    ledger: o.store ? new StoreLedger(o.store.ledger, Date.now, o.store.backend === 'postgres' ? (o.journalDir ?? (o.dataDir && dataPaths(o.dataDir).journal)) : undefined) : new FileLedger(ledgerDir!),
    reportIndex: o.store?.reports,
    from: o.mailFrom,
    attachmentRoot: reportsDir,
    reportsDir,
    publicUrl: o.publicUrl ?? 'http://127.0.0.1:3000',
  });
  let workflowBundle = o.workflowBundle;
  if (!workflowBundle && o.bundleCache) {
    const cached = await workflowBundleFor({ workflowsPath: WORKFLOWS_PATH, cacheDir: typeof o.bundleCache === 'object' ? o.bundleCache.dir : undefined });
    workflowBundle = { codePath: cached.codePath };
  }
  applyHeapGrowingPercent(o.heapGrowingPercent);
  applyWorkflowHeapLimit(o.workflowHeapMiB);
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: bundlerOptions() }),
    ...(o.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: o.maxCachedWorkflows } : {}),
    ...o.tuning,
  });
}

/** The worker as the configuration describes it: the standalone worker and `npm start` both run this one. */
export function createConfiguredWorker(c: AppConfig, connection: NativeConnection, transport: MailTransport, store: Store): Promise<Worker> {
  const cacheDir = bundleCacheDir(c);
  return createCycleWorker({
    connection,
    namespace: c.temporal.namespace,
    taskQueue: c.taskQueue,
    transport,
    mailFrom: c.mailFrom,
    store,
    journalDir: dataPaths(c.dataDir).journal,
    reportsDir: c.reportsDir,
    publicUrl: c.web.publicUrl,
    maxCachedWorkflows: c.worker.maxCachedWorkflows,
    heapGrowingPercent: c.worker.heapGrowingPercent,
    workflowHeapMiB: c.worker.workflowHeapMiB,
    bundleCache: cacheDir ? { dir: cacheDir } : undefined,
  });
}
