/**
 * The SMTP server down for a long stretch (time-skipped on the test server):
 * the mail is delivered after it returns, none lost, none doubled.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPlan } from '../../client/planLoader';
import { mailLog } from '../../client/simulate';
import { monthTimetable } from '../../domain/calendar';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { MailSink } from '../../infra/smtpSink';
import type { supervisionCycle } from '../../workflows/cycle';
import { stateQuery } from '../../workflows/messages';
import { createTimeSkippingEnv, startHarness, type Harness } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let h: Harness;
let sink: MailSink;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
  sink = await new MailSink().start();
  h = await startHarness(env, sink);
});
afterAll(async () => {
  await h?.stop();
  await sink?.stop();
  await env?.teardown();
});

test('mail falls due during a three-day SMTP outage: all of it arrives once the server is back, exactly once', async () => {
  const plan = loadPlan(SEED_PLAN_PATH);
  const start = Date.UTC(2013, 2, 28, 0, 0); // 28 March 2013; the dispatch is on 29 March 09:00
  const handle = await env.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue: h.taskQueue,
    workflowId: `outage-${Date.now()}`,
    args: [{ plan, options: { simulatedStart: new Date(start).toISOString() } }],
  });
  const port = sink.port;
  await sink.stop(); // the mail server goes down
  await env.sleep(4 * 86_400_000); // the dispatch falls due and its delivery is retried with backoff for days
  expect(mailLog(sink.messages, handle.workflowId)).toHaveLength(0);
  const s = await handle.query(stateQuery);
  expect(Object.keys(s.periods['2013-Q1'].offices)).toHaveLength(4); // the dispatch is recorded, its mail owed

  const back = new MailSink({ port });
  await back.start(); // the same server returns on the same port
  try {
    await env.sleep(2 * 3_600_000); // within the longest retry interval (30 min) and then some
    await back.waitFor((ms) => ms.filter((m) => m.header('x-cycle-id') === handle.workflowId).length >= 4, 30_000, 'the delayed dispatch');
    await env.sleep(86_400_000);
    const got = mailLog(back.messages, handle.workflowId);
    const dispatches = got.filter((m) => m.kind === 'dispatch');
    expect(dispatches.map((m) => m.office).sort()).toEqual(['achievements', 'hi-tech-office', 'planning', 'rural-social']);
    // The Date header is when the cycle meant to send it (29 March 09:00 Shanghai), not when the server took it.
    expect(new Set(dispatches.map((m) => m.date))).toEqual(new Set([new Date(monthTimetable(plan, 3).dispatchAt).toISOString()]));
    const keys = back.messages.filter((m) => m.header('x-cycle-id') === handle.workflowId).map((m) => m.header('x-cycle-key'));
    expect(new Set(keys).size).toBe(keys.length);
  } finally {
    await handle.terminate('test done');
    await back.stop();
  }
});
