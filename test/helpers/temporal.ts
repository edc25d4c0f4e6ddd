/**
 * Test harness: the real time-skipping server (provisioned by `npm test`),
 * a real SMTP server on loopback, and the real worker with real activities.
 */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap, Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import { createTimeSkippingEnvironment } from '../../infra/testServer';
import { MailSink } from '../../infra/smtpSink';
import { smtpTransport } from '../../infra/connection';
import { createCycleWorker, WORKFLOWS_PATH } from '../../worker/worker';
import { bundlerOptions } from '../../worker/bundle';

let runtimeInstalled = false;
/** Quiet the SDK's own logging in tests (warnings and errors still show). */
export function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // Core's own warnings (e.g. the test server's missing heartbeat-details capability) are noise here.
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // already installed by another helper in this process
  }
}

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return createTimeSkippingEnvironment();
}

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundle the workflow code once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...bundlerOptions(WORKFLOWS_PATH), logger: new DefaultLogger('WARN') });
  return bundlePromise;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `cycle-${prefix}-`));
}

export interface Harness {
  env: TestWorkflowEnvironment;
  sink: MailSink;
  worker: Worker;
  taskQueue: string;
  dataDir: string;
  running: Promise<void>;
  stop(): Promise<void>;
}

let queueSeq = 0;
export interface HarnessOptions {
  /** A workflow bundle other than the current code (e.g. the frozen v1). */
  bundle?: WorkflowBundleWithSourceMap;
  /** Share a task queue and data folder (sent ledger, reports) with another harness. */
  taskQueue?: string;
  dataDir?: string;
}

export async function startHarness(env: TestWorkflowEnvironment, sink?: MailSink, opts: HarnessOptions = {}): Promise<Harness> {
  const mail = sink ?? (await new MailSink().start());
  const dataDir = opts.dataDir ?? tempDir('data');
  const taskQueue = opts.taskQueue ?? `test-${process.pid}-${++queueSeq}`;
  const bundle = opts.bundle;
  const transport = smtpTransport(mail.url);
  const worker = await createCycleWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    transport,
    mailFrom: 'assessment-group@test.local',
    dataDir,
    workflowBundle: bundle ?? (await workflowBundle()),
  });
  const running = worker.run();
  return {
    env,
    sink: mail,
    worker,
    taskQueue,
    dataDir,
    running,
    async stop() {
      worker.shutdown();
      await running;
      transport.close?.();
      if (!sink) await mail.stop();
    },
  };
}
