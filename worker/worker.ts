/** Builds the worker that runs the supervision cycle and its activities. */
import * as path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, FileLedger, type MailTransport } from '../activities';
import { workflowBundleFor } from './bundle';

export interface CycleWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  transport: MailTransport;
  mailFrom: string;
  /** The sent ledger and report files live here (as ledger/ and reports/) unless named one by one. */
  dataDir?: string;
  ledgerDir?: string;
  reportsDir?: string;
  /** A pre-built workflow bundle (tests bundle once per suite); otherwise the sources are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * Use the workflow bundle cached on disk (worker/bundle.ts), building it on a miss, instead of
   * bundling at every start. A folder names where the cache lives. Ignored when workflowBundle is given.
   */
  bundleCache?: boolean | { dir: string };
  /** Sticky-cache size (workerSettingsFromEnv().maxCachedWorkflows); tuning may still override it. */
  maxCachedWorkflows?: number;
  /** Extra worker tuning (concurrency, cache size). */
  tuning?: Partial<WorkerOptions>;
}

export const WORKFLOWS_PATH = require.resolve(path.join(__dirname, '..', 'workflows'));

export async function createCycleWorker(o: CycleWorkerOptions): Promise<Worker> {
  const ledgerDir = o.ledgerDir ?? (o.dataDir && path.join(o.dataDir, 'ledger'));
  const reportsDir = o.reportsDir ?? (o.dataDir && path.join(o.dataDir, 'reports'));
  if (!ledgerDir || !reportsDir) throw new Error('createCycleWorker needs dataDir, or both ledgerDir and reportsDir');
  const activities = createActivities({
    transport: o.transport,
    ledger: new FileLedger(ledgerDir),
    from: o.mailFrom,
    attachmentRoot: reportsDir,
    reportsDir,
  });
  let workflowBundle = o.workflowBundle;
  if (!workflowBundle && o.bundleCache) {
    const cached = await workflowBundleFor({ workflowsPath: WORKFLOWS_PATH, cacheDir: typeof o.bundleCache === 'object' ? o.bundleCache.dir : undefined });
    workflowBundle = { codePath: cached.codePath };
  }
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(o.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: o.maxCachedWorkflows } : {}),
    ...o.tuning,
  });
}
