/**
 * The Temporal server process killed (SIGKILL) and restarted on the same SQLite
 * file in the middle of the year: the cycles continue where they were, with
 * nothing lost and nothing sent twice.
 */
import { loadPlan } from '../../client/planLoader';
import { SEED_PLAN_PATH } from '../../infra/paths';
import type { supervisionCycle } from '../../workflows/cycle';
import { stateQuery, submitReportUpdate } from '../../workflows/messages';
import { startDevHarness, type DevHarness } from '../helpers/devServer';

let h: DevHarness;
beforeAll(async () => {
  h = await startDevHarness('server-restart');
});
afterAll(async () => {
  await h?.stop();
});

test('a server crash before a dispatch and after a report: the dispatch goes out once after the restart, the report is still there', async () => {
  const taskQueue = `restart-${Date.now()}`;
  const plan = loadPlan(SEED_PLAN_PATH, { year: 2026 });
  let worker = await h.startWorker({ taskQueue });
  // Plan clock: 3 s before the November dispatch (Monday 30 November 2026, 09:00).
  const handle = await h.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue,
    workflowId: `restart-${Date.now()}`,
    args: [{ plan, options: { simulatedStart: new Date(Date.UTC(2026, 10, 30, 0, 59, 57)).toISOString(), continueAsNewEachMonth: false } }],
  });
  const mine = (kind: string) => h.sink.messages.filter((m) => m.header('x-cycle-id') === handle.workflowId && m.header('x-cycle-kind') === kind);
  await h.sink.waitFor(() => mine('dispatch').length === 4, 30_000, 'the November dispatch');
  await handle.executeUpdate(submitReportUpdate, {
    args: [{ actor: { personId: 'hto-contact', via: 'api' }, officeId: 'hi-tech-office', period: '2026-11', values: [{ targetId: 't1-1', value: 9 }], narrative: 'before the crash' }],
  });

  // Crash the server (and with it every connection), restart it on the same file.
  await worker.stop();
  await h.restartServer();
  worker = await h.startWorker({ taskQueue });
  try {
    const live = h.client.workflow.getHandle<typeof supervisionCycle>(handle.workflowId);
    const s = await live.query(stateQuery);
    expect(s.periods['2026-11'].offices['hi-tech-office']).toMatchObject({ status: 'submitted', report: { narrative: 'before the crash', values: { 't1-1': 9 } } });
    expect(s.progress['t1-1'].value).toBe(9);
    // The cycle goes on: another office reports after the restart; nothing was mailed twice.
    const r = await live.executeUpdate(submitReportUpdate, {
      args: [{ actor: { personId: 'pln-contact', via: 'api' }, officeId: 'planning', period: '2026-11', values: [{ targetId: 't6-1', value: 250 }], narrative: 'after the restart' }],
    });
    expect(r.outcome).toBe('accepted');
    expect(mine('dispatch')).toHaveLength(4);
    expect((await live.describe()).status.name).toBe('RUNNING');
    await live.terminate('test done');
  } finally {
    await worker.stop();
  }
});

test('a server crash across the month-end: the dispatch that fell due while it was down goes out once when it is back', async () => {
  const taskQueue = `restart2-${Date.now()}`;
  const plan = loadPlan(SEED_PLAN_PATH, { year: 2026 });
  let worker = await h.startWorker({ taskQueue });
  const handle = await h.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue,
    workflowId: `restart2-${Date.now()}`,
    // Plan clock: 6 s before the December dispatch.
    args: [{ plan, options: { simulatedStart: new Date(Date.UTC(2026, 11, 31, 0, 59, 54)).toISOString() } }],
  });
  const dispatches = () => h.sink.messages.filter((m) => m.header('x-cycle-id') === handle.workflowId && m.header('x-cycle-kind') === 'dispatch');
  await new Promise((r) => setTimeout(r, 1500));
  await worker.stop();
  await h.server.kill();
  await new Promise((r) => setTimeout(r, 8000)); // the dispatch time passes while the server is down
  expect(dispatches()).toHaveLength(0);
  await h.restartServer().catch(async () => undefined);
  worker = await h.startWorker({ taskQueue });
  try {
    await h.sink.waitFor(() => dispatches().length === 4, 60_000, 'the December dispatch after the restart');
    await new Promise((r) => setTimeout(r, 2000));
    expect(dispatches()).toHaveLength(4);
    await h.client.workflow.getHandle(handle.workflowId).terminate('test done');
  } finally {
    await worker.stop();
  }
});
