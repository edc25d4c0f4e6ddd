/** `cycle simulate`: a whole year on a private time-skipping server, a private mail sink and a private worker. */
import * as path from 'node:path';
import type { Plan } from '../domain/plan';
import { smtpTransport } from '../infra/connection';
import { createTimeSkippingEnvironment } from '../infra/testServer';
import { MailSink } from '../infra/smtpSink';
import { createCycleWorker } from '../worker/worker';
import { historyByRun, loadScenario, mailLog, runSimulation, type SimulationResult } from './simulate';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';

export async function simulateYear(plan: Plan, scenarioName: string, onMonth?: (m: number, of: number) => void): Promise<SimulationResult> {
  const scenario = loadScenario(scenarioName);
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // installed already
  }
  const env = await createTimeSkippingEnvironment();
  const sink = await new MailSink().start();
  const transport = smtpTransport(sink.url);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cycle-simulate-'));
  const taskQueue = 'simulation';
  try {
    const worker = await createCycleWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      transport,
      mailFrom: 'assessment-group@simulation.local',
      dataDir: dir,
    });
    return await worker.runUntil(async () => {
      const { result, workflowId } = await runSimulation({ env, taskQueue, plan, scenario, onMonth });
      const runs = await historyByRun(env.client, workflowId);
      return { workflowId, scenario: scenario.name, result, runs, totalEvents: runs.reduce((a, r) => a + r.events, 0), mail: mailLog(sink.messages, workflowId) };
    });
  } finally {
    transport.close?.();
    await sink.stop();
    await env.teardown();
  }
}
