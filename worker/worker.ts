/** Builds the worker that runs the supervision cycle and its activities. */
import * as path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { dataPaths } from '../infra/config';
import { createActivities, FileLedger, type MailTransport } from '../activities';

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
  /** The web door's address, for the links in mail (PUBLIC_URL). */
  publicUrl?: string;
  /** A pre-built workflow bundle (tests bundle once per suite); otherwise the sources are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Extra worker tuning (concurrency, cache size). */
  tuning?: Partial<WorkerOptions>;
}

export const WORKFLOWS_PATH = require.resolve(path.join(__dirname, '..', 'workflows'));

export async function createCycleWorker(o: CycleWorkerOptions): Promise<Worker> {
  const ledgerDir = o.ledgerDir ?? (o.dataDir && dataPaths(o.dataDir).ledger);
  const reportsDir = o.reportsDir ?? (o.dataDir && dataPaths(o.dataDir).reports);
  if (!ledgerDir || !reportsDir) throw new Error('createCycleWorker needs dataDir, or both ledgerDir and reportsDir');
  const activities = createActivities({
    transport: o.transport,
    ledger: new FileLedger(ledgerDir),
    from: o.mailFrom,
    attachmentRoot: reportsDir,
    reportsDir,
    publicUrl: o.publicUrl ?? 'http://127.0.0.1:3000',
  });
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities,
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...o.tuning,
  });
}
