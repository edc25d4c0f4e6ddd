/**
 * What `cycle simulate` and its what-if share: a private time-skipping server, mail sink, worker and
 * data folder for one run, all gone afterwards (nothing of a simulation outlives it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type WorkerOptions } from '@temporalio/worker';
import { smtpTransport } from '../infra/connection';
import type { MailHeadersView } from '../infra/mailHeaders';
import { MailSink } from '../infra/smtpSink';
import { createTimeSkippingEnvironment } from '../infra/testServer';
import { openStore, type OpenedStore } from '../store';
import { pauseWorkflowPromiseHook } from '../worker/promiseHook';
import { createCycleWorker } from '../worker/worker';

export interface PrivateSimulation {
  env: TestWorkflowEnvironment;
  /** Reads headers only: a simulation reports its mail log, not the bodies. */
  sink: MailSink<MailHeadersView>;
  taskQueue: string;
}

export interface PrivateSimulationOptions {
  /** Names the task queue and the temporary folder (cycle-NAME-…). */
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
  const dir = mkdtempSync(path.join(os.tmpdir(), `cycle-${o.name}-`));
  // The server, the sink and the store start side by side; the store is the product's default (SQLite) in the temp folder.
  // The sink reads headers only: the mail log needs no bodies, and the MIME parser would take about 80 ms to load.
  // Each part is started inside a promise, so one that throws at once (no test server provisioned) is settled too.
  const started = await Promise.allSettled([
    Promise.resolve().then(createTimeSkippingEnvironment),
    Promise.resolve().then(() => MailSink.headersOnly().start()),
    Promise.resolve().then(() => openStore({ dataDir: dir, legacy: false })),
  ] as const);
  const [env, sink, store] = started.map((r) => (r.status === 'fulfilled' ? r.value : undefined)) as [TestWorkflowEnvironment?, MailSink<MailHeadersView>?, OpenedStore?];
  /** Stops what started and removes the folder, whatever fails; the first failure to stop, if any. */
  const stopAll = async (): Promise<unknown> => {
    const stopped = await Promise.allSettled([sink?.stop(), env?.teardown(), store?.close()]);
    rmSync(dir, { recursive: true, force: true });
    return stopped.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
  };
  if (!env || !sink || !store) {
    await stopAll();
    throw (started.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
  }
  const transport = smtpTransport(sink.url);
  const taskQueue = o.name;
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  let resumePromiseHook = (): void => undefined;
  try {
    const worker = await createCycleWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      transport,
      mailFrom: o.mailFrom,
      store,
      dataDir: dir,
      bundleCache: o.bundleDir ? { dir: o.bundleDir } : undefined,
      // The cycle runs on this thread (the SDK's debug mode), not on a workflow thread: a simulation is one cycle
      // driven by round trips, where starting a thread (it loads the SDK again) and a hop to it per workflow task
      // cost more than they save (3.9 s → 3.4 s for the whole command, median of five each). The same code and the
      // same determinism. Debug mode also installs the SDK's promise hook and stack-trace and rejection handlers in
      // this process, and lifts the deadlock timeout: it is put back (a workflow task stuck in a loop fails after
      // 5 s rather than hanging the command past Ctrl-C); the promise hook is paused below (worker/promiseHook.ts).
      // The product's workers keep their threads.
      // (isolateExecutionTimeout is the SDK's own setting, in WorkerOptionsWithDefaults, not yet typed on WorkerOptions.)
      tuning: { debugMode: true, ...({ isolateExecutionTimeout: '5s' } as Partial<WorkerOptions>) },
    });
    // Debug mode's promise hook would run for every promise of this thread; nobody can query this cycle's stack.
    resumePromiseHook = pauseWorkflowPromiseHook();
    outcome = { ok: true, value: await worker.runUntil(() => run({ env, sink, taskQueue })) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  transport.close?.();
  // Everything is stopped and the folder removed even when one part fails to stop; the run's own error wins.
  let stopFailure: unknown;
  try {
    stopFailure = await stopAll();
  } finally {
    resumePromiseHook();
  }
  if (!outcome.ok) throw outcome.error;
  if (stopFailure !== undefined) throw stopFailure;
  return outcome.value;
}
