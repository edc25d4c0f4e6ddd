/**
 * Whole plan-years of the seed plan on the time-skipping server with a real
 * SMTP server on loopback. Everything is asserted from the mail actually
 * received and from the workflow's own queries.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { loadPlan } from '../../client/planLoader';
import { historyByRun, mailLog, runSimulation, scenarioSchema, scriptedValue, type SimulationMail } from '../../client/simulate';
import { allTargets, type Plan } from '../../domain/plan';
import { scorePlan, type RecordedValue } from '../../domain/scoring';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { reviewReportUpdate, stateQuery, auditQuery } from '../../workflows/messages';
import { createTimeSkippingEnv, startHarness, type Harness } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let h: Harness;
let plan: Plan;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
  h = await startHarness(env);
  plan = loadPlan(SEED_PLAN_PATH);
});
afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

/** Last working day of each month of 2013, written out by hand from the 2013 State Council holiday notice. */
const DISPATCH_DATES_2013 = [
  '2013-01-31', '2013-02-28', '2013-03-29', // 30-31 March: weekend
  '2013-04-28', // 29 April - 1 May: Labour Day; Sunday 28 April is a make-up working day
  '2013-05-31', '2013-06-28', '2013-07-31', '2013-08-30', '2013-09-30', '2013-10-31', '2013-11-29', '2013-12-31',
];
const shanghaiDate = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
const shanghaiTime = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(11, 16);

function byKind(log: SimulationMail[], office: string, kind: string) {
  return log.filter((m) => m.office === office && m.kind === kind);
}

describe('a full year: two offices on time, one always late, one never reporting', () => {
  const scenario = scenarioSchema.parse({
    name: 'mixed',
    default: { mode: 'onTime' },
    offices: { achievements: { mode: 'late', lateDays: 3 }, 'rural-social': { mode: 'missing' } },
    returnFirst: [{ officeId: 'hi-tech-office', period: '2013-Q1', comment: '请补充佐证材料 <b>evidence</b>' }],
  });
  let log: SimulationMail[];
  let result: Awaited<ReturnType<typeof runSimulation>>;

  beforeAll(async () => {
    result = await runSimulation({ env, taskQueue: h.taskQueue, plan, scenario });
    log = mailLog(h.sink.messages, result.workflowId);
  });

  test('every office with open targets gets exactly one dispatch per month, on the last working day at 09:00', () => {
    for (const office of ['hi-tech-office', 'planning', 'achievements']) {
      const d = byKind(log, office, 'dispatch');
      expect(d.map((m) => shanghaiDate(m.date))).toEqual(DISPATCH_DATES_2013);
      expect(new Set(d.map((m) => shanghaiTime(m.date)))).toEqual(new Set(['09:00']));
    }
    // 农社科's targets start in March: no dispatch in January or February.
    expect(byKind(log, 'rural-social', 'dispatch').map((m) => shanghaiDate(m.date))).toEqual(DISPATCH_DATES_2013.slice(2));
  });

  test('offices that report on time are never chased', () => {
    for (const office of ['hi-tech-office', 'planning']) {
      for (const kind of ['reminder', 'overdue', 'escalation']) expect(byKind(log, office, kind)).toEqual([]);
    }
  });

  test('the office that never reports is reminded, declared overdue and escalated to the group leader every period', () => {
    const periods = byKind(log, 'rural-social', 'dispatch').map((m) => m.period);
    for (const kind of ['reminder', 'overdue', 'escalation']) expect(byKind(log, 'rural-social', kind).map((m) => m.period)).toEqual(periods);
    for (const m of byKind(log, 'rural-social', 'escalation')) {
      expect(m.to).toEqual(['yangyaowu@kjj.yiyang.example']);
      expect(m.cc).toEqual(['nongsheke-head@kjj.yiyang.example']);
    }
    for (const m of byKind(log, 'rural-social', 'overdue')) expect(m.cc).toEqual(['nongsheke-head@kjj.yiyang.example']);
    // March's report (2013-Q1) was due Monday 8 April 18:00: reminder Sunday 7 April (a make-up working day) 09:00,
    // overdue Tuesday 9 April 09:00, escalation Thursday 11 April 09:00.
    const q1 = (kind: string) => byKind(log, 'rural-social', kind).find((m) => m.period === '2013-Q1')!.date;
    expect(q1('reminder')).toBe('2013-04-07T01:00:00.000Z');
    expect(q1('overdue')).toBe('2013-04-09T01:00:00.000Z');
    expect(q1('escalation')).toBe('2013-04-11T01:00:00.000Z');
  });

  test('the always-late office is reminded and declared overdue every period, and chasing stops when its report arrives', () => {
    const periods = byKind(log, 'achievements', 'dispatch').map((m) => m.period);
    expect(byKind(log, 'achievements', 'reminder').map((m) => m.period)).toEqual(periods);
    expect(byKind(log, 'achievements', 'overdue').map((m) => m.period)).toEqual(periods);
    // It reports 3 calendar days after the 18:00 deadline; the escalation (3 working days after, 09:00) only
    // goes out when no weekend or holiday falls in between. Never after the report arrived:
    const escalated = byKind(log, 'achievements', 'escalation').map((m) => m.period);
    expect(escalated.length).toBeLessThan(periods.length);
    expect(escalated.length).toBeGreaterThan(0);
  });

  test('lateness is recorded per office and period', async () => {
    const s = await result.handle.query(stateQuery);
    for (const p of Object.values(s.periods)) {
      if (p.kind === 'final') continue;
      expect(p.offices['achievements']?.lateByMs).toBeGreaterThan(0);
      expect(p.offices['hi-tech-office']?.lateByMs).toBeUndefined();
    }
  });

  test('quarterly checks: a returned report is chased again, resubmitted and approved; the group gets four summaries', async () => {
    const returned = byKind(log, 'hi-tech-office', 'returned');
    expect(returned.map((m) => m.period)).toEqual(['2013-Q1']);
    const raw = h.sink.messages.find((m) => m.header('x-cycle-id') === result.workflowId && m.header('x-cycle-kind') === 'returned')!;
    expect(raw.parsed.html).toContain('&lt;b&gt;evidence&lt;/b&gt;'); // user text is escaped
    expect(raw.parsed.html).not.toContain('<b>evidence</b>');
    const s = await result.handle.query(stateQuery);
    const q1 = s.periods['2013-Q1'].offices['hi-tech-office'];
    expect(q1).toMatchObject({ status: 'approved', round: 1 });
    expect(q1.previous).toHaveLength(1);
    expect(q1.report?.revision).toBe(2);
    const summaries = log.filter((m) => m.kind === 'quarterlySummary');
    expect(summaries.map((m) => m.period)).toEqual(['2013-Q1', '2013-Q2', '2013-Q3', '2013-Q4']);
    for (const q of ['2013-Q1', '2013-Q2', '2013-Q3', '2013-Q4']) expect(s.periods[q].check?.missing).toContain('rural-social');
    const audit = await result.handle.query(auditQuery);
    expect(audit.filter((a) => a.action === 'return')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'approve').length).toBeGreaterThanOrEqual(8);
    for (const a of audit) expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the half-year review goes to every office and the group', () => {
    expect(log.filter((m) => m.kind === 'review').map((m) => m.office).sort()).toEqual(['achievements', 'hi-tech-office', 'planning', 'rural-social']);
    expect(log.filter((m) => m.kind === 'reviewSummary')).toHaveLength(1);
    const sentOn = shanghaiDate(log.find((m) => m.kind === 'reviewSummary')!.date);
    expect(sentOn >= '2013-07-01' && sentOn <= '2013-07-31').toBe(true);
  });

  test('the year-end appraisal equals the domain scoring of the same inputs and is mailed with its report', () => {
    const values: Record<string, RecordedValue> = {};
    for (const { target } of allTargets(plan)) {
      if (target.offices.lead === 'rural-social') continue; // never reported
      values[target.id] = { value: scriptedValue(target, 12, 1), source: 'verified' };
    }
    const expected = scorePlan(plan, values);
    const a = result.result.appraisal;
    expect(a.total).toBe(expected.total);
    expect(a.total).toBe(580); // 680 less 农社科's indicator of 100 points
    expect(a.grade).toBe('good');
    expect(a.eligibleForExcellence).toBe(true);
    expect(a.targets.find((t) => t.targetId === 't2-2')).toMatchObject({ points: 0, source: 'none' });
    expect(result.result.reportFiles.map((f) => f.split('.').pop()).sort()).toEqual(['csv', 'html', 'json', 'md']);
    const appraisalMail = log.filter((m) => m.kind === 'appraisal');
    expect(appraisalMail.map((m) => m.office).sort()).toEqual(['achievements', 'group', 'hi-tech-office', 'planning', 'rural-social']);
    const groupMail = h.sink.messages.find((m) => m.header('x-cycle-id') === result.workflowId && m.header('x-cycle-kind') === 'appraisal' && m.header('x-cycle-office') === 'group')!;
    expect(groupMail.parsed.attachments.map((x) => x.filename).sort()).toEqual(['appraisal.csv', 'appraisal.html', 'appraisal.json', 'appraisal.md']);
  });

  test('no office is mailed twice for the same thing', () => {
    const keys = h.sink.messages.filter((m) => m.header('x-cycle-id') === result.workflowId).map((m) => m.header('x-cycle-key'));
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('continue-as-new keeps every run short', async () => {
    const runs = await historyByRun(env.client, result.workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(12);
    for (const r of runs) expect(r.events).toBeLessThan(2000);
  });
});

test('a cycle started in May dispatches from May on, and nothing for the months before', async () => {
  const scenario = scenarioSchema.parse({ name: 'may', start: '2013-05-10' });
  const r = await runSimulation({ env, taskQueue: h.taskQueue, plan, scenario });
  const log = mailLog(h.sink.messages, r.workflowId);
  expect(byKind(log, 'hi-tech-office', 'dispatch').map((m) => shanghaiDate(m.date))).toEqual(DISPATCH_DATES_2013.slice(4));
  expect(log.filter((m) => m.period < '2013-05' && /^2013-(0[1-4]|Q1)$/.test(m.period))).toEqual([]);
  expect(r.result.appraisal.total).toBe(680);
  expect(r.result.appraisal.grade).toBe('excellent');
});

test('the bureau triggers the appraisal early: no dispatch after that, final values requested at once', async () => {
  const scenario = scenarioSchema.parse({ name: 'early', appraiseEarlyOn: '2013-10-15' });
  const r = await runSimulation({ env, taskQueue: h.taskQueue, plan, scenario });
  const log = mailLog(h.sink.messages, r.workflowId);
  const dispatchDates = [...new Set(log.filter((m) => m.kind === 'dispatch').map((m) => shanghaiDate(m.date)))];
  expect(dispatchDates).toEqual(DISPATCH_DATES_2013.slice(0, 9));
  const finalRequests = log.filter((m) => m.kind === 'finalRequest');
  expect(finalRequests.length).toBe(3);
  expect(new Set(finalRequests.map((m) => shanghaiDate(m.date)))).toEqual(new Set(['2013-10-15']));
  const audit = await r.handle.query(auditQuery);
  expect(audit.find((a) => a.action === 'startAppraisal')).toMatchObject({ actor: 'yang-yaowu' });
  // Scored on what was reported by October: less than the full 680.
  expect(r.result.appraisal.total).toBeLessThan(680);
});

test('an unauthorised approval is rejected and changes nothing', async () => {
  const scenario = scenarioSchema.parse({ name: 'unauthorised', start: '2013-03-20' });
  // Run the March dispatch, let 高新办 report, then try to approve as the deputy (not an approver).
  const { handle } = await (async () => {
    const wfId = `unauth-${Date.now()}`;
    const handle = await env.client.workflow.start('supervisionCycle', {
      taskQueue: h.taskQueue,
      workflowId: wfId,
      args: [{ plan, options: { simulatedStart: '2013-03-20T00:00:00.000Z' } }],
    });
    return { handle };
  })();
  void scenario;
  await env.sleep(10 * 86_400_000); // past the 29 March dispatch
  await handle.executeUpdate('submitReport', {
    args: [{ actor: { personId: 'hto-contact' }, officeId: 'hi-tech-office', period: '2013-Q1', values: [{ targetId: 't1-1', value: 3 }], narrative: 'Q1' }],
  });
  const before = await handle.query(stateQuery);
  for (const who of ['tang-zhibin', 'hto-contact', 'nobody']) {
    const attempt = handle.executeUpdate(reviewReportUpdate, { args: [{ actor: { personId: who, via: 'api' }, officeId: 'hi-tech-office', period: '2013-Q1', decision: 'approve', comment: '' }] });
    await expect(attempt).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(attempt).rejects.toMatchObject({ cause: { type: 'NOT_AUTHORISED' } });
  }
  const after = await handle.query(stateQuery);
  expect(after).toEqual(before);
  const ok = await handle.executeUpdate(reviewReportUpdate, { args: [{ actor: { personId: 'yang-yaowu', via: 'api' }, officeId: 'hi-tech-office', period: '2013-Q1', decision: 'approve', comment: '' }] });
  expect(ok.status).toBe('approved');
  await handle.terminate('test done');
});

test('continue-as-new forced by a low history limit keeps the state intact', async () => {
  const scenario = scenarioSchema.parse({ name: 'can', start: '2013-09-01' });
  const r = await runSimulation({ env, taskQueue: h.taskQueue, plan, scenario, maxHistoryEvents: 40 });
  const runs = await historyByRun(env.client, r.workflowId);
  expect(runs.length).toBeGreaterThan(4);
  expect(r.result.appraisal.total).toBe(680);
});

test('a plan that did not come through the loader is checked by the workflow: a bad one fails the start with every problem named', async () => {
  const bad = { ...plan, totalPoints: 700, offices: plan.offices.map((o, i) => (i === 0 ? { ...o, id: 'nobody-office' } : o)) };
  const handle = await env.client.workflow.start('supervisionCycle', { taskQueue: h.taskQueue, workflowId: `bad-plan-${Date.now()}`, args: [{ plan: bad }] });
  const failure = await handle.result().then(
    () => undefined,
    (e: { cause?: { type?: string; message?: string } }) => e.cause,
  );
  expect(failure?.type).toBe('InvalidPlan');
  expect(failure?.message).toContain('totalPoints: totalPoints is 700 but the categories add up to 680');
  expect(failure?.message).toContain('unknown office "hi-tech-office"');
  expect(mailLog(h.sink.messages, handle.workflowId)).toEqual([]);
});
