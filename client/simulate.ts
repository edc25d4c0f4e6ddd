/**
 * A whole plan-year on the time-skipping test server, with scripted office,
 * leader and bureau behaviour. Used by `cycle simulate` and by the tests: the
 * workflow, the activities, the SMTP traffic are all real; only time is fast.
 */
import { readFileSync } from 'node:fs';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { addWorkingDays, calendarOf, isWorkingDay, monthTimetable } from '../domain/calendar';
import { nextWakeAt, type CycleState, type OfficePeriod } from '../domain/cycle';
import { cycleWorkflowId } from '../domain/names';
import { allTargets, round2, type Plan, type Target } from '../domain/plan';
import { epochToLocalDate, localToEpoch } from '../domain/time';
import type { MailHeadersView } from '../infra/mailHeaders';
import type { ReceivedMail } from '../infra/smtpSink';
import type { CycleResult, supervisionCycle } from '../workflows/cycle';
import { stateQuery } from '../workflows/messages';
import { submitReport } from '../app/actions/officeReports';
import { reviewReport, triggerAppraisal, verifyValues } from '../app/actions/groupDecisions';
import type { AppContext, CycleRef } from '../app/context';
import { AppError } from '../app/errors';

const { HistoryEventFilterType } = temporal.api.enums.v1;

const behaviour = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('onTime') }).strict(),
  z.object({ mode: z.literal('late'), lateDays: z.number().int().min(1).max(60) }).strict(),
  z.object({ mode: z.literal('missing') }).strict(),
]);
export type Behaviour = z.infer<typeof behaviour>;

export const scenarioSchema = z
  .object({
    name: z.string().min(1).max(100),
    /** Plan-clock start, e.g. "2013-05-01" (default: 1 January of the plan year). */
    start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    default: behaviour.default({ mode: 'onTime' }),
    offices: z.record(z.string(), behaviour).default({}),
    /** Per office and period: e.g. { "planning": { "2013-05": { mode: missing } } }. */
    periods: z.record(z.string(), z.record(z.string(), behaviour)).default({}),
    /** Fraction of every goal reached by the end of its window (1 = exactly met). */
    achievement: z.number().min(0).max(5).default(1),
    /** Per office, overriding `achievement` (what-if: "rural-social reaches 80%"). */
    achievementByOffice: z.record(z.string(), z.number().min(0).max(5)).default({}),
    /** The leader returns these quarterly reports once before approving them. */
    returnFirst: z.array(z.object({ officeId: z.string(), period: z.string(), comment: z.string().default('请补充佐证材料 Please add evidence.') }).strict()).default([]),
    /** The bureau starts the appraisal early on this date (plan clock). */
    appraiseEarlyOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    /** bureau: the bureau finalizes after the leader verified; auto: wait for the closing date. */
    finalize: z.enum(['bureau', 'auto']).default('bureau'),
  })
  .strict();
export type Scenario = z.infer<typeof scenarioSchema>;

export const BUILT_IN_SCENARIOS: Record<string, Scenario> = {
  'all-on-time': scenarioSchema.parse({ name: 'all-on-time' }),
  none: scenarioSchema.parse({ name: 'none', default: { mode: 'missing' }, finalize: 'auto' }),
};

export function loadScenario(nameOrFile: string): Scenario {
  if (BUILT_IN_SCENARIOS[nameOrFile]) return BUILT_IN_SCENARIOS[nameOrFile];
  let raw: unknown;
  try {
    const text = readFileSync(nameOrFile, 'utf8');
    raw = nameOrFile.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new Error(`scenario "${nameOrFile}" is neither a built-in (${Object.keys(BUILT_IN_SCENARIOS).join(', ')}) nor a readable YAML/JSON file: ${(e as Error).message}`);
  }
  const r = scenarioSchema.safeParse(raw);
  if (!r.success) throw new Error(`scenario ${nameOrFile}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** What an office reports for a target in a month, under a scenario's achievement. */
export function scriptedValue(target: Target, month: number, achievement: number): number {
  const { startMonth, endMonth } = target.window;
  const share = Math.min(1, Math.max(0, (month - startMonth + 1) / (endMonth - startMonth + 1)));
  switch (target.measure.kind) {
    case 'declaration':
      return round2(Math.min(target.points, target.points * achievement));
    case 'milestone':
      return round2(Math.min(1, share * achievement));
    case 'count':
      return Math.floor(target.measure.atLeast * achievement * share + 1e-9);
    case 'growthPercent':
    case 'amount':
      return round2(target.measure.atLeast * achievement * share);
  }
}

export interface SimulationMail {
  date: string;
  to: string[];
  cc: string[];
  kind: string;
  period: string;
  office: string;
  subject: string;
}

export interface SimulationResult {
  workflowId: string;
  scenario: string;
  result: CycleResult;
  runs: { runId: string; events: number }[];
  totalEvents: number;
  mail: SimulationMail[];
  /** Days late per office and period (0 on time, null never filed). */
  lateness?: Record<string, Record<string, number | null>>;
}

export interface SimulationOptions {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  plan: Plan;
  scenario: Scenario;
  workflowId?: string;
  maxHistoryEvents?: number;
  onMonth?: (month: number, of: number) => void;
  /** Called whenever the driver is about to act, for tests that inspect mail in between. */
  onEvent?: (what: string, planTime: number) => Promise<void> | void;
  /** Continue from this state (a what-if from a live cycle's copy) instead of starting the year afresh. */
  state?: CycleState;
}

/**
 * A scripted act at a plan time; `at` is that time, so what it schedules next does not drift with real time.
 * `office`: the office the act is for (its report, or the leader's decision on it); absent for acts on the whole
 * cycle (the month's dispatch, the bureau's trigger).
 */
type Event = { at: number; seq: number; office?: string; run: (at: number) => Promise<void> };

/** Refusals that mean a scripted person acted after the cycle moved on (the check closed, the report was approved). */
const LATE_REFUSALS = new Set<string>(['PERIOD_NOT_OPEN', 'ALREADY_APPROVED', 'WRONG_PHASE', 'CYCLE_APPRAISED']);

export interface SimulationRun {
  result: CycleResult;
  workflowId: string;
  handle: WorkflowHandle<typeof supervisionCycle>;
  /**
   * The last state the driver read, which is after the last report was filed: what the reports say (their values,
   * their lateness) is final by then; only the leader's verification and the bureau's finalizing may follow. Read
   * while the cycle was open: a query once it has closed replays its last run (about 70 ms).
   */
  lastSeen: CycleState;
}

export async function runSimulation(o: SimulationOptions): Promise<SimulationRun> {
  const { env, plan, scenario } = o;
  const client: Client = env.client;
  const cal = calendarOf(plan);
  const zone = plan.timeZone;
  const workflowId = o.workflowId ?? `${cycleWorkflowId(plan.unit.id, plan.year)}-sim-${Date.now().toString(36)}`;
  const startDate = scenario.start ?? `${plan.year}-01-01`;
  const handle = await client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue: o.taskQueue,
    workflowId,
    args: [{ plan, state: o.state, options: { simulatedStart: new Date(localToEpoch(startDate, '00:00', zone)).toISOString(), maxHistoryEvents: o.maxHistoryEvents } }],
  });
  // The scripted people act through the application layer, as the web and the cycle command do.
  const app: AppContext = { client, namespace: env.namespace ?? 'default', taskQueue: o.taskQueue };
  const ref: CycleRef = { unitId: plan.unit.id, year: plan.year, workflowId };
  let lastSeen: CycleState | undefined;
  const state = async () => (lastSeen = await handle.query(stateQuery));
  // The plan clock's offset is fixed for the cycle's life: read it once, not before every event.
  const first = await state();
  const offset = first.clockOffsetMs;
  const planNow = async () => (await env.currentTimeMs()) + offset;
  /** People act in office hours: the same instant if it is one, else 10:00 on the next working day. */
  const hourFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: zone });
  const officeHours = (t: number) => {
    const date = epochToLocalDate(t, zone);
    const hour = Number(hourFormat.format(new Date(t)));
    if (isWorkingDay(cal, date) && hour >= 9 && hour < 17) return t;
    const day = isWorkingDay(cal, date) && hour < 9 ? date : addWorkingDays(cal, date, 1);
    return localToEpoch(day, '10:00', zone);
  };
  const advanceTo = async (t: number) => {
    const now = await planNow();
    if (t > now) await env.sleep(t - now);
  };
  /** Wait (real time; the server's clock is locked meanwhile) until the workflow has caught up. */
  const settle = async (pred: (s: CycleState) => boolean, what: string): Promise<CycleState> => {
    // The dispatch is usually done within milliseconds of the timer: look again soon, then less often (10 s in all).
    for (let i = 0, waited = 0; waited < 10_000; i++) {
      const s = await state();
      if (pred(s)) return s;
      const ms = Math.min(25, 2 ** i);
      await new Promise((r) => setTimeout(r, ms));
      waited += ms;
    }
    throw new Error(`simulation: the cycle did not reach "${what}"`);
  };
  const queue: Event[] = [];
  let seq = 0;
  const at = (t: number, run: (at: number) => Promise<void>, office?: string) => {
    queue.push({ at: t, seq: seq++, office, run });
    queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  };
  const actor = (personId: string) => ({ personId, via: 'simulation' as const });
  const office = (id: string) => plan.offices.find((x) => x.id === id)!;
  const targets = new Map(allTargets(plan).map((r) => [r.target.id, r.target]));
  const behaviourOf = (officeId: string, period: string): Behaviour => scenario.periods[officeId]?.[period] ?? scenario.offices[officeId] ?? scenario.default;
  const leader = plan.assessmentGroup.approvers[0];
  const bureau = plan.assessmentGroup.appraisalTriggerers[0];
  const returned = new Set<string>();

  /**
   * The driver reads the cycle's state only where it must (the month's dispatch, and after events from the
   * December dispatch on, when the appraisal can start): a report or a decision that came too late is simply
   * refused by the cycle, which changes nothing and writes no history, so it need not be checked first.
   */
  const tooLate = async (act: () => Promise<unknown>) => {
    try {
      await act();
    } catch (e) {
      if (e instanceof AppError && e.code !== undefined && LATE_REFUSALS.has(e.code)) return;
      throw e;
    }
  };
  const submit = async (now: number, period: string, op: OfficePeriod, month: number) => {
    const own = op.targets.filter((id) => targets.get(id)!.offices.lead === op.officeId && (period.endsWith('-final') || targets.get(id)!.measure.kind !== 'declaration'));
    const values = own.map((id) => ({ targetId: id, value: scriptedValue(targets.get(id)!, month, scenario.achievementByOffice[op.officeId] ?? scenario.achievement) }));
    await o.onEvent?.(`submit ${period} ${op.officeId}`, now);
    await tooLate(() => submitReport(app, actor(office(op.officeId).contact.personId), ref, { officeId: op.officeId, period, values, narrative: `${period} progress of ${op.officeId} (simulated)`, mode: 'replace' }));
    if (period.includes('-Q')) {
      at(officeHours(now + 3_600_000), (t) => review(t, period, op, month), op.officeId);
    }
  };
  const review = async (now: number, period: string, op: OfficePeriod, month: number) => {
    const key = `${op.officeId}/${period}`;
    const rf = scenario.returnFirst.find((r) => r.officeId === op.officeId && r.period === period);
    if (rf && !returned.has(key)) {
      returned.add(key);
      await reviewReport(app, actor(leader), ref, { officeId: op.officeId, period, decision: 'return', comment: rf.comment });
      const resubmitDay = addWorkingDays(cal, epochToLocalDate(now, zone), 1);
      at(localToEpoch(resubmitDay, '10:00', zone), (t) => submit(t, period, op, month), op.officeId);
      return;
    }
    await tooLate(() => reviewReport(app, actor(leader), ref, { officeId: op.officeId, period, decision: 'approve' }));
  };
  const scheduleReports = (period: string, ops: OfficePeriod[], month: number, openedDate: string) => {
    for (const op of ops) {
      const b = behaviourOf(op.officeId, period);
      if (b.mode === 'missing') continue;
      const when = b.mode === 'onTime' ? localToEpoch(addWorkingDays(cal, openedDate, 1), '10:00', zone) : officeHours(op.deadlineAt + b.lateDays * 86_400_000);
      at(when, (t) => submit(t, period, op, month), op.officeId);
    }
  };

  const startMonth = first.nextMonth;
  let appraisalStarted = false;
  for (let month = startMonth; month <= 12; month++) {
    const tt = monthTimetable(plan, month, cal);
    at(tt.dispatchAt + 60_000, async () => {
      o.onMonth?.(month, 12);
      const s = await settle((s) => s.nextMonth > month || s.phase !== 'running', `dispatch of month ${month}`);
      const p = s.periods[tt.period];
      if (p) scheduleReports(tt.period, Object.values(p.offices), month, tt.dispatchDate);
    });
  }
  const phaseCanChangeFrom = monthTimetable(plan, 12, cal).dispatchAt;
  let earlyTriggered = false;
  if (scenario.appraiseEarlyOn) {
    at(localToEpoch(scenario.appraiseEarlyOn, '10:00', zone), async () => {
      earlyTriggered = true;
      await triggerAppraisal(app, actor(bureau), ref, { action: 'start', reason: 'simulated early appraisal' });
    });
  }
  /**
   * Play the scripted events; during the year, stop when the appraisal starts (its own round is scheduled next).
   * At one instant, acts on the whole cycle come first, one by one; then each office's acts run in their order
   * while different offices act at once, as people would: an office's reports and the decisions on them touch
   * only that office's records, so the outcome does not depend on how offices interleave.
   */
  const runBatch = async (t: number, batch: Event[]) => {
    for (const e of batch.filter((x) => x.office === undefined)) await e.run(t);
    const lanes = new Map<string, Event[]>();
    for (const e of batch) if (e.office !== undefined) lanes.set(e.office, [...(lanes.get(e.office) ?? []), e]);
    const settled = await Promise.allSettled([...lanes.values()].map(async (lane) => {
      for (const e of lane) await e.run(t);
    }));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const runQueue = async (untilAppraisal: boolean) => {
    while (queue.length) {
      const t = queue[0].at;
      const end = queue.findIndex((q) => q.at !== t);
      const batch = queue.splice(0, end === -1 ? queue.length : end);
      await advanceTo(t);
      await runBatch(t, batch);
      // Before December's dispatch only the bureau's early trigger can end the running phase. The final round reads
      // the state after every batch (a what-if's live cycle may have been put into appraisal early).
      if (untilAppraisal && t < phaseCanChangeFrom && !earlyTriggered) continue;
      const s = await state();
      if (s.phase === 'appraised') break;
      if (untilAppraisal && s.phase !== 'running') {
        appraisalStarted = true;
        if (queue.every((q) => q.at > t)) break;
      }
    }
  };
  await runQueue(true);
  // Move on until the appraisal starts (after the Q4 check closes, or when the bureau started it).
  for (let guard = 0; !appraisalStarted && guard < 100; guard++) {
    const s = await state();
    if (s.phase !== 'running') break;
    const next = nextWakeAt(plan, s);
    if (next === undefined) throw new Error('simulation: the cycle is waiting for nobody and the appraisal has not started');
    await advanceTo(next + 60_000);
  }
  await settle((s) => s.phase !== 'running' && !!s.periods[`${plan.year}-final`], 'the year-end appraisal');
  o.onMonth?.(12, 12);
  const s = await state();
  const final = s.periods[`${plan.year}-final`];
  queue.length = 0;
  // Final values are what was reached by the month the appraisal started (December, or earlier when triggered).
  const finalMonth = Math.min(12, Number(s.appraisal!.startDate.slice(5, 7)) + (s.appraisal!.startDate.startsWith(String(plan.year)) ? 0 : 12));
  scheduleReports(final.period, Object.values(final.offices), finalMonth, s.appraisal!.startDate);
  await runQueue(false); // every office's final report, late ones included, arrives before the appraisal closes or is finalized
  if (scenario.finalize === 'bureau') {
    const after = await state();
    const reported = Object.values(after.periods[final.period].offices).flatMap((op) => Object.entries(op.report?.values ?? {}));
    await advanceTo(officeHours((await planNow()) + 86_400_000));
    if (reported.length) {
      await verifyValues(app, actor(leader), ref, { values: reported.map(([targetId, value]) => ({ targetId, value })) });
    }
    await triggerAppraisal(app, actor(bureau), ref, { action: 'finalize', reason: 'simulation' });
  }
  // The result from the cycle's latest run: the first run's handle would walk the whole continue-as-new chain.
  const result = await client.workflow.getHandle<typeof supervisionCycle>(workflowId).result();
  return { result, workflowId, handle, lastSeen: lastSeen! };
}

/**
 * Events per run, following the continue-as-new chain from the first run. Each run's count is its closing event's id
 * (event ids run 1..n), read with the close-event filter: one small response per run, not its whole history.
 */
export async function historyByRun(client: Client, workflowId: string): Promise<{ runId: string; events: number }[]> {
  const first = await client.workflow.getHandle(workflowId).describe();
  const runs: { runId: string; events: number }[] = [];
  let runId: string | undefined = (first.raw.workflowExecutionInfo?.firstRunId as string | undefined) ?? first.runId;
  for (let i = 0; runId && i < 1000; i++) {
    const { history }: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      historyEventFilterType: HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    const close: temporal.api.history.v1.IHistoryEvent | undefined = history?.events?.[0];
    if (!close?.eventId) throw new Error(`simulation: run ${runId} of ${workflowId} has not closed`);
    runs.push({ runId, events: Number(close.eventId) });
    runId = close.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

export function mailLog(messages: ReceivedMail<MailHeadersView>[], workflowId?: string): SimulationMail[] {
  const addrs = (v: unknown): string[] => {
    if (!v) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.flatMap((x: { value?: { address?: string }[] }) => (x.value ?? []).map((a) => a.address ?? ''));
  };
  return messages
    .filter((m) => !workflowId || m.header('x-cycle-id') === workflowId)
    .map((m) => ({
      date: m.parsed.date ? m.parsed.date.toISOString() : '',
      to: addrs(m.parsed.to),
      cc: addrs(m.parsed.cc),
      kind: m.header('x-cycle-kind') ?? '',
      period: m.header('x-cycle-period') ?? '',
      office: m.header('x-cycle-office') ?? '',
      subject: m.parsed.subject ?? '',
    }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
