/**
 * The foundation's end-to-end check: a cycle on the time-skipping server
 * crosses a month-end in Asia/Shanghai and a real e-mail reaches a real SMTP
 * server on loopback, read back and checked.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPlan } from '../../client/planLoader';
import { SEED_PLAN_PATH } from '../../infra/paths';
import type { supervisionCycle } from '../../workflows/cycle';
import { stateQuery, statusQuery } from '../../workflows/messages';
import { createTimeSkippingEnv, startHarness, type Harness } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let h: Harness;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
  h = await startHarness(env);
});
afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

test('the March 2013 month-end dispatch goes out on Friday 29 March at 09:00 Shanghai time, one mail per office', async () => {
  const plan = loadPlan(SEED_PLAN_PATH);
  const handle = await env.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue: h.taskQueue,
    workflowId: `month-end-${Date.now()}`,
    // 28 March 2013, 12:00 in Shanghai = 04:00 UTC: January and February are past and must not be dispatched.
    args: [{ plan, options: { simulatedStart: '2013-03-28T04:00:00.000Z' } }],
  });
  const state = await handle.query(stateQuery);
  expect(state.nextMonth).toBe(3);

  // Up to 08:59 on the 29th (Shanghai) nothing is sent.
  await env.sleep(Date.UTC(2013, 2, 29, 0, 59) - Date.UTC(2013, 2, 28, 4, 0));
  expect(h.sink.messages.filter((m) => m.header('x-cycle-id') === handle.workflowId)).toHaveLength(0);

  // Cross 09:00 on the last working day of March (the 30th and 31st are a weekend).
  await env.sleep(2 * 60_000);
  await h.sink.waitFor((ms) => ms.filter((m) => m.header('x-cycle-id') === handle.workflowId).length >= 4, 30_000, 'four dispatch e-mails');
  const mine = h.sink.messages.filter((m) => m.header('x-cycle-id') === handle.workflowId);
  expect(mine).toHaveLength(4);
  const byOffice = new Map(mine.map((m) => [m.header('x-cycle-office'), m]));
  expect([...byOffice.keys()].sort()).toEqual(['achievements', 'hi-tech-office', 'planning', 'rural-social']);
  for (const m of mine) {
    expect(m.header('x-cycle-kind')).toBe('dispatch');
    expect(m.header('x-cycle-period')).toBe('2013-Q1');
    expect(m.parsed.date?.toISOString()).toBe('2013-03-29T01:00:00.000Z');
    // Started on 20 March: the unit adopts the system mid-year, so its first dispatch is a catch-up request.
    expect(m.parsed.subject).toContain('首次调度');
    expect(m.parsed.subject).toContain('First dispatch: report where each target stands');
    expect(m.parsed.text).not.toContain('Overdue targets');
    expect(m.parsed.html).toContain('<table');
    expect(m.messageId).toMatch(/^<[0-9a-f]{40}@supervision-cycle>$/);
  }
  // The office contact is the recipient; the dispatch lists the office's open targets and the deadline
  // (five working days after 29 March, skipping the Qingming holiday of 4-6 April 2013: Monday 8 April).
  const rural = byOffice.get('rural-social')!;
  expect(rural.envelopeTo).toEqual(['nongsheke@kjj.yiyang.example']);
  expect(rural.parsed.text).toContain('2013-04-08 18:00');
  for (const t of ['t2-1a', 't2-1b', 't2-2']) expect(rural.parsed.text).toContain(t);
  expect(rural.parsed.text).not.toContain('t2-3a'); // its window starts in April

  const status = await handle.query(statusQuery);
  expect(status.offices.find((o) => o.officeId === 'rural-social')?.owes[0]).toMatchObject({ period: '2013-Q1', status: 'due', late: false });
  await handle.terminate('test done');
});
