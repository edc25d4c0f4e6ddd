/**
 * Early warning on the time-skipping server with a real SMTP sink: a year at
 * half pace is warned months before the appraisal; a warned office that
 * catches up gets its recovery notice; a cycle adopted in November is not
 * flagged for the windows that closed before it.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPlan } from '../../client/planLoader';
import { mailLog, runSimulation, scenarioSchema } from '../../client/simulate';
import { monthTimetable } from '../../domain/calendar';
import type { Plan } from '../../domain/plan';
import { localToEpoch } from '../../domain/time';
import { SEED_PLAN_PATH } from '../../infra/paths';
import type { supervisionCycle } from '../../workflows/cycle';
import { stateQuery, statusQuery, submitReportUpdate } from '../../workflows/messages';
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

const kinds = (wf: string, kind: string) => mailLog(h.sink.messages, wf).filter((m) => m.kind === kind);
const bodyOf = (wf: string, kind: string, office: string) => h.sink.messages.find((m) => m.header('x-cycle-id') === wf && m.header('x-cycle-kind') === kind && m.header('x-cycle-office') === office)?.parsed.text ?? '';

async function until(pred: () => boolean, what: string) {
  for (let i = 0; i < 400 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!pred()) throw new Error(`timed out waiting for ${what}`);
}

/** A cycle of the seed plan started at a local date of its year, with the plan clock there. */
async function startAt(date: string, id: string) {
  const handle = await env.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue: h.taskQueue,
    workflowId: `${id}-${Date.now().toString(36)}`,
    args: [{ plan, options: { simulatedStart: new Date(localToEpoch(date, '00:00', plan.timeZone)).toISOString() } }],
  });
  const planNow = async () => (await env.currentTimeMs()) + (await handle.query(stateQuery)).clockOffsetMs;
  const sleepTo = async (t: number) => env.sleep(Math.max(1, t - (await planNow())));
  return { handle, planNow, sleepTo };
}

test('every office at half of each target, on time: the first warning goes out in February, ten months before the appraisal', async () => {
  const scenario = scenarioSchema.parse({ name: 'half', achievement: 0.5 });
  const { workflowId, result } = await runSimulation({ env, taskQueue: h.taskQueue, plan, scenario });
  const warnings = kinds(workflowId, 'warning');
  const first = warnings[0];
  expect(first.date.slice(0, 7)).toBe(`${plan.year}-02`); // the January reports arrive on 1 February
  expect(first.period).toBe(`${plan.year}-02`);
  const appraisal = kinds(workflowId, 'appraisal')[0];
  const monthsAhead = (Date.parse(appraisal.date) - Date.parse(first.date)) / (30.4 * 86_400_000);
  expect(monthsAhead).toBeGreaterThan(10);
  // The group is warned too (projected 不合格), and the appraisal confirms it.
  expect(warnings.some((m) => m.office === 'group' && m.to.includes(plan.assessmentGroup.leader.email))).toBe(true);
  expect(result.appraisal.grade).toBe('unqualified');
  // Once per change: no office is warned twice about the same thing, and nobody recovers at half pace.
  const keys = h.sink.messages.filter((m) => m.header('x-cycle-id') === workflowId && m.header('x-cycle-kind') === 'warning').map((m) => m.header('x-cycle-key'));
  expect(new Set(keys).size).toBe(keys.length);
  expect(kinds(workflowId, 'recovery')).toEqual([]);
  expect(bodyOf(workflowId, 'warning', 'planning')).toMatch(/应完成 expected by now \| 已报 reported \| 年底预测 projected/);
  expect(bodyOf(workflowId, 'warning', 'planning')).toContain('/offices/planning');
  console.log(`half-pace year: first warning ${first.date} (${first.office}), ${warnings.length} warning mails, appraisal ${appraisal.date}, ${monthsAhead.toFixed(1)} months ahead`);
});

test('a warned office that catches up gets one recovery notice, and its status turns green', async () => {
  const c = await startAt(`${plan.year}-01-20`, 'warn-recovery');
  await c.sleepTo(monthTimetable(plan, 1).dispatchAt + 3_600_000);
  const submit = (values: Record<string, number>) =>
    c.handle.executeUpdate(submitReportUpdate, {
      args: [{ actor: { personId: 'pln-contact', via: 'api' }, officeId: 'planning', period: `${plan.year}-01`, values: Object.entries(values).map(([targetId, value]) => ({ targetId, value })), narrative: '', evidence: [], mode: 'merge' }],
    });
  await submit({ 't6-1': 10 }); // 267.9 / 12 = 22.3 was due
  await until(() => kinds(c.handle.workflowId, 'warning').some((m) => m.office === 'planning'), 'the warning');
  expect((await c.handle.query(statusQuery)).projection.targets.find((t) => t.targetId === 't6-1')?.light).toBe('red');
  await submit({ 't6-1': 23 });
  await until(() => kinds(c.handle.workflowId, 'recovery').some((m) => m.office === 'planning'), 'the recovery notice');
  const status = await c.handle.query(statusQuery);
  expect(status.projection.targets.find((t) => t.targetId === 't6-1')).toMatchObject({ light: 'green', projectedValue: 276 });
  expect(kinds(c.handle.workflowId, 'warning').filter((m) => m.office === 'planning')).toHaveLength(1);
  expect(bodyOf(c.handle.workflowId, 'recovery', 'planning')).toContain('预警解除');
  await c.handle.terminate('test done');
});

test('a cycle adopted in November is not flagged for the windows that closed before it', async () => {
  const c = await startAt(`${plan.year}-11-05`, 'warn-adopted');
  await c.sleepTo(monthTimetable(plan, 11).dispatchAt + 3 * 86_400_000);
  const status = await c.handle.query(statusQuery);
  expect(status.adoption?.periodsBefore).toHaveLength(10);
  // t4-1 (by October) and t2-1a/b (March-October) closed before adoption: unknown, not red.
  for (const id of ['t4-1', 't2-1a', 't2-1b']) expect(status.projection.targets.find((t) => t.targetId === id)).toMatchObject({ light: 'unknown', reasons: ['beforeAdoption'] });
  expect(status.projection.targets.filter((t) => t.light === 'red')).toEqual([]);
  expect(kinds(c.handle.workflowId, 'warning')).toEqual([]);
  expect(kinds(c.handle.workflowId, 'dispatch').length).toBeGreaterThan(0); // the catch-up request went out
  await c.handle.terminate('test done');
});
