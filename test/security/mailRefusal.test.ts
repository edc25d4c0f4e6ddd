/**
 * Availability: a mailbox that refuses mail for good (a typo in a plan's
 * address, a full or hostile mailbox) must not wedge the cycle. The cycle
 * records the refusal, tells the group leader, and still runs to its end.
 *
 * It guards a bug found earlier: a failure notice queued after the last mail
 * was not counted by nextWakeAt (domain/cycle.ts), so the cycle waited for
 * ever with no timer and the leader was never told.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPlan } from '../../client/planLoader';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { MailSink } from '../../infra/smtpSink';
import type { supervisionCycle } from '../../workflows/cycle';
import { stateQuery, triggerAppraisalUpdate } from '../../workflows/messages';
import { createTimeSkippingEnv, startHarness, type Harness } from '../helpers/temporal';

const REFUSING = 'fengdongyuan@kjj.yiyang.example'; // a member of the assessment group

let env: TestWorkflowEnvironment;
let h: Harness;
let sink: MailSink;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
  sink = await new MailSink({ rejectRecipients: (a) => a === REFUSING }).start();
  h = await startHarness(env, sink);
});
afterAll(async () => {
  await h?.stop();
  await sink?.stop();
  await env?.teardown();
});

test('a group member whose mailbox refuses mail does not stop the cycle from finishing; the leader is told', async () => {
  const plan = loadPlan(SEED_PLAN_PATH);
  const workflowId = `security-mail-refusal-${Date.now()}`;
  const handle = await env.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue: h.taskQueue,
    workflowId,
    args: [{ plan, options: { simulatedStart: '2013-03-20T00:00:00.000Z' } }],
  });
  await env.sleep(10 * 86_400_000); // the March dispatch (no group mail yet)
  const trigger = (action: 'start' | 'finalize') => handle.executeUpdate(triggerAppraisalUpdate, { args: [{ actor: { personId: 'yang-yaowu', via: 'api' }, action, reason: '' }] });
  await trigger('start');
  for (let i = 0; i < 100 && (await handle.query(stateQuery)).phase !== 'appraisal'; i++) await new Promise((r) => setTimeout(r, 100));
  await trigger('finalize'); // the appraisal goes to the group: the member's copy is refused

  let outcome: string;
  try {
    const result = await handle.result();
    outcome = `completed with ${result.reportFiles.length} report files`;
  } catch (e) {
    const s = await handle.query(stateQuery);
    outcome = `${(e as Error).message}; phase ${s.phase}, failure notices never sent: ${s.pendingFailureNotices.map((n) => n.key.split('/').slice(1).join('/')).join(', ')}`;
  }
  expect(outcome).toBe('completed with 4 report files');
  const s = await handle.query(stateQuery);
  const refusedKeys = s.failures.filter((f) => f.error.includes(REFUSING)).map((f) => f.key);
  expect(refusedKeys.length).toBeGreaterThan(0);
  // The leader was told of every refused message.
  const told = sink.messages.filter((m) => m.header('x-cycle-id') === workflowId && m.header('x-cycle-kind') === 'deliveryFailure').map((m) => m.header('x-cycle-key') ?? '');
  for (const key of refusedKeys) expect(told.some((k) => k.endsWith(`/${key}`))).toBe(true);
});
