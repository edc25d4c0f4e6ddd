/**
 * A real change to the cycle's logic, made the safe way: mail moved from one
 * activity per message to one batch per event behind patched("batched-mail-delivery"),
 * then to a local activity behind patched("local-mail-delivery").
 * A cycle started on the old code (the frozen v1 bundle) is taken over by a
 * worker with the new code mid-run, on the real dev server, and finishes.
 */
import * as path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { loadPlan } from '../../client/planLoader';
import { historyByRun, mailLog } from '../../client/simulate';
import { SEED_PLAN_PATH } from '../../infra/paths';
import type { supervisionCycle } from '../../workflows/cycle';
import { closeCheckUpdate, triggerAppraisalUpdate } from '../../workflows/messages';
import { startDevHarness, type DevHarness } from '../helpers/devServer';

let h: DevHarness;
beforeAll(async () => {
  h = await startDevHarness('versioning');
});
afterAll(async () => {
  await h?.stop();
});

test('a cycle started on the old code (one activity per mail) finishes on the new code (batches), nothing lost or doubled', async () => {
  const v1 = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, '..', 'fixtures', 'v1', 'index.ts'), logger: new DefaultLogger('WARN') });
  const taskQueue = `versioning-${Date.now()}`;
  const plan = loadPlan(SEED_PLAN_PATH, { year: 2026 });
  const old = await h.startWorker({ taskQueue, bundle: v1 });
  // The plan clock three seconds before the December dispatch; one run for the whole test, so the
  // run that is live at the deploy holds commands of both versions.
  const handle = await h.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue,
    workflowId: `versioning-${Date.now()}`,
    args: [{ plan, options: { simulatedStart: new Date(Date.UTC(2026, 11, 31, 0, 59, 57)).toISOString(), continueAsNewEachMonth: false } }],
  });
  await h.sink.waitFor((ms) => ms.filter((m) => m.header('x-cycle-id') === handle.workflowId && m.header('x-cycle-kind') === 'dispatch').length === 4, 30_000, 'the December dispatch on the old code');
  await old.stop();

  const fresh = await h.startWorker({ taskQueue });
  try {
    const leader = { personId: 'yang-yaowu', via: 'api' as const };
    await handle.executeUpdate(closeCheckUpdate, { args: [{ actor: leader, period: '2026-Q4', comment: '' }] });
    await h.sink.waitFor((ms) => ms.filter((m) => m.header('x-cycle-id') === handle.workflowId && m.header('x-cycle-kind') === 'finalRequest').length === 3, 30_000, 'final requests on the new code');
    await handle.executeUpdate(triggerAppraisalUpdate, { args: [{ actor: leader, action: 'finalize', reason: '' }] });
    const result = await handle.result();
    expect(result.appraisal.grade).toBe('unqualified');
  } finally {
    await fresh.stop();
  }
  const log = mailLog(h.sink.messages, handle.workflowId);
  const keys = h.sink.messages.filter((m) => m.header('x-cycle-id') === handle.workflowId).map((m) => m.header('x-cycle-key'));
  expect(new Set(keys).size).toBe(keys.length);
  expect(log.filter((m) => m.kind === 'dispatch')).toHaveLength(4);
  expect(log.filter((m) => m.kind === 'quarterlySummary')).toHaveLength(1);
  expect(log.filter((m) => m.kind === 'appraisal')).toHaveLength(5);

  const runs = await historyByRun(h.client, handle.workflowId);
  expect(runs).toHaveLength(1);
  const history = await handle.fetchHistory();
  const types = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
  expect(types.slice(0, 4)).toEqual(['sendMail', 'sendMail', 'sendMail', 'sendMail']);
  // On the new code the mail goes out as local activities (the Q4 summary and the final-value requests together,
  // then the appraisal's); the report is still an activity.
  expect(types.slice(4)).toEqual(['writeAppraisalReport']);
  const markers = (history.events ?? []).map((e) => e.markerRecordedEventAttributes?.markerName).filter(Boolean);
  expect(markers.filter((m) => m === 'core_local_activity')).toHaveLength(2);
  const patches = (history.events ?? []).flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    return m?.markerName === 'core_patch' ? Object.values(m.details ?? {}).flatMap((d) => (d.payloads ?? []).map((p) => Buffer.from(p.data ?? []).toString())) : [];
  });
  expect(patches.join(' ')).toMatch(/batched-mail-delivery.*local-mail-delivery/);
});
