/**
 * What `cycle simulate` and its what-if share: a private time-skipping server, mail sink, worker and
 * data folder for one run, all gone afterwards (nothing of a simulation outlives it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { smtpTransport } from '../infra/connection';
import { MailSink } from '../infra/smtpSink';
import { createTimeSkippingEnvironment } from '../infra/testServer';
import { createCycleWorker } from '../worker/worker';

export interface PrivateSimulation {
  env: TestWorkflowEnvironment;
  sink: MailSink;
  taskQueue: string;
}

export interface PrivateSimulationOptions {
  /** Names the task queue and the temporary folder. */
  name: string;
  mailFrom: string;
  /** Where the cached workflow bundle lives (DATA_DIR/bundle): the run then starts without bundling. */
  bundleDir?: string;
}

export async function withPrivateSimulation<T>(o: PrivateSimulationOptions, run: (s: PrivateSimulation) => Promise<T>): Promise<T> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // installed already
  }
  const env = await createTimeSkippingEnvironment();
  const sink = await new MailSink().start();
  const transport = smtpTransport(sink.url);
  const dir = mkdtempSync(path.join(os.tmpdir(), `cycle-${o.name}-`));
  const taskQueue = o.name;
  try {
    const worker = await createCycleWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      transport,
      mailFrom: o.mailFrom,
      dataDir: dir,
      bundleCache: o.bundleDir ? { dir: o.bundleDir } : undefined,
    });
    return await worker.runUntil(() => run({ env, sink, taskQueue }));
  } finally {
    transport.close?.();
    await sink.stop();
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}
