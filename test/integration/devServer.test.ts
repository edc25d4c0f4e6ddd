/**
 * Integration on the real dev server (the Temporal CLI with a SQLite file):
 * the cycle starts once, is visible through search attributes and queries,
 * and survives a server restart on the same file.
 */
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadPlan } from '../../client/planLoader';
import { ensureSearchAttributes, startCycle } from '../../client/cycles';
import { freePort, startDevServer, type DevServer } from '../../infra/devServer';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { requireProvisioned } from '../../infra/provision';
import { MailSink } from '../../infra/smtpSink';
import { smtpTransport } from '../../infra/connection';
import { createCycleWorker } from '../../worker/worker';
import { statusQuery } from '../../workflows/messages';
import { quietRuntime, tempDir, workflowBundle } from '../helpers/temporal';

test('a cycle on the real dev server: started once, visible, and still running after a server restart', async () => {
  quietRuntime();
  const provisioned = requireProvisioned('dev');
  const dir = tempDir('devserver');
  const dbFile = path.join(dir, 'temporal.sqlite');
  const port = await freePort();
  let server: DevServer = await startDevServer({ dbFile, port, server: provisioned, logFile: path.join(dir, 'server.log') });
  const sink = await new MailSink().start();
  const year = 2026;
  const plan = loadPlan(SEED_PLAN_PATH, { year });
  const taskQueue = `it-${Date.now()}`;
  let connection = await Connection.connect({ address: server.address });
  let client = new Client({ connection });
  try {
    expect(await ensureSearchAttributes(client, 'default')).toBe(true);
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await createCycleWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      transport: smtpTransport(sink.url),
      mailFrom: 'group@test.local',
      ledgerDir: path.join(dir, 'ledger'),
      reportsDir: path.join(dir, 'reports'),
      workflowBundle: await workflowBundle(),
    });
    const first = await worker.runUntil(async () => {
      const a = await startCycle(client, plan, { taskQueue, searchAttributes: true });
      const b = await startCycle(client, plan, { taskQueue, searchAttributes: true });
      expect(a.status).toBe('started');
      expect(b).toMatchObject({ workflowId: a.workflowId, status: 'already-running' });
      expect(b.runningPlanVersion).toBeUndefined();
      // A changed plan is a new version; it does not replace the one a running cycle signed up to.
      const changed = await startCycle(client, { ...plan, planVersion: '2026.2' }, { taskQueue, searchAttributes: true });
      expect(changed).toMatchObject({ status: 'already-running', runningPlanVersion: plan.planVersion });
      // The same version with other content (an edited file) is said too; the same file is not.
      expect(b.differsFromRunning).toBe(false);
      const edited = await startCycle(client, { ...plan, unit: { ...plan.unit, name: { ...plan.unit.name, en: 'Edited' } } }, { taskQueue, searchAttributes: true });
      expect(edited).toMatchObject({ status: 'already-running', differsFromRunning: true });
      const status = await client.workflow.getHandle(a.workflowId).query(statusQuery);
      expect(status).toMatchObject({ unit: { id: 'yiyang-st-bureau' }, year, phase: 'running' });
      return a;
    });
    // Visibility: the cycle is found by its search attributes.
    let found: string[] = [];
    for (let i = 0; i < 40 && !found.length; i++) {
      found = [];
      for await (const w of client.workflow.list({ query: `CycleUnit = 'yiyang-st-bureau' AND CycleYear = ${year}` })) found.push(w.workflowId);
      if (!found.length) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).toEqual([first.workflowId]);

    // Kill the server as a crash would, restart it on the same SQLite file: the cycle is still there, running.
    await connection.close();
    await server.kill();
    server = await startDevServer({ dbFile, port, server: provisioned, logFile: path.join(dir, 'server.log') });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    const d = await client.workflow.getHandle(first.workflowId).describe();
    expect(d.status.name).toBe('RUNNING');
    const again = await startCycle(client, plan, { taskQueue, searchAttributes: true });
    expect(again.status).toBe('already-running');
    await client.workflow.getHandle(first.workflowId).terminate('test done');
    await nativeConnection.close();
  } finally {
    await connection.close().catch(() => undefined);
    await sink.stop();
    await server.stop();
  }
});
