/**
 * The supervision cycle as a pure state machine. The workflow owns the state,
 * feeds it the plan clock, and sends the mail this module asks for; every
 * rule of the cycle (who is dispatched, when chasing happens, when a check
 * closes, when the appraisal starts) lives here, deterministic and unit-tested.
 *
 * The state (cycleState.ts) is compact, JSON-only data so it can be carried
 * across continue-as-new; effects.ts turns a turn of this machine into what
 * the workflow performs.
 */
import {
  appraisalTimetable,
  calendarOf,
  chasingTimes,
  finalPeriod,
  halfYearReviewLatestAt,
  monthTimetable,
  type WorkCalendar,
} from './calendar';
import { allTargets, officesOf, type Plan, type Target } from './plan';
import { isAchieved, scorePlan, type RecordedValue } from './scoring';
import { epochToLocalDate } from './time';
import { warningIntents } from './warnings';
import type { CycleState, MailIntent, MailKind, OfficePeriod, PeriodState } from './cycleState';

export type * from './cycleState';

export function initialState(plan: Plan, workflowId: string, startedAt: number, clockOffsetMs: number, rules: 1 | 2 | 3 = 1): CycleState {
  const cal = calendarOf(plan);
  let nextMonth = 1;
  while (nextMonth <= 12 && monthTimetable(plan, nextMonth, cal).dispatchAt < startedAt) nextMonth++;
  return {
    v: 1,
    ...(rules >= 2 ? { rules } : {}),
    ...(rules >= 2 && nextMonth > 1 ? { adoption: { at: startedAt, firstMonth: nextMonth } } : {}),
    workflowId,
    clockOffsetMs,
    startedAt,
    phase: 'running',
    nextMonth,
    periods: {},
    progress: {},
    verified: {},
    review: { comments: [] },
    audit: [],
    failures: [],
    pendingFailureNotices: [],
  };
}

export function targetById(plan: Plan, id: string): Target | undefined {
  return allTargets(plan).find((r) => r.target.id === id)?.target;
}

export function targetsOfOffice(plan: Plan, officeId: string): Target[] {
  return allTargets(plan)
    .map((r) => r.target)
    .filter((t) => officesOf(t).includes(officeId));
}

function isOpenTarget(state: CycleState, t: Target): boolean {
  if (t.measure.kind === 'declaration') return state.progress[t.id] === undefined;
  return !isAchieved(t, state.progress[t.id]?.value);
}

function newOfficePeriod(officeId: string, targets: Target[], month: number, times: ReturnType<typeof chasingTimes>, catchUp = false): OfficePeriod {
  return {
    officeId,
    targets: targets.map((t) => t.id),
    // A catch-up asks for the standing of targets nobody was asked about before: none of them is overdue yet.
    overdueTargets: catchUp ? [] : targets.filter((t) => t.window.endMonth < month).map((t) => t.id),
    round: 0,
    deadlineAt: times.deadlineAt,
    reminderAt: times.reminderAt,
    overdueAt: times.overdueAt,
    escalationAt: times.escalationAt,
    chased: [],
    status: 'due',
    previous: [],
    notices: [],
  };
}

/** 每月底调度: open a month's period; every office with an open target whose window has started gets a dispatch. */
function openMonth(plan: Plan, state: CycleState, cal: WorkCalendar, month: number, now: number, out: MailIntent[]) {
  const tt = monthTimetable(plan, month, cal);
  const period: PeriodState = { period: tt.period, kind: tt.kind, month, openedAt: now, offices: {} };
  const catchUp = state.adoption?.firstMonth === month;
  for (const office of plan.offices) {
    const open = targetsOfOffice(plan, office.id).filter((t) => t.window.startMonth <= month && isOpenTarget(state, t));
    if (!open.length) continue; // an office with nothing open receives nothing
    period.offices[office.id] = newOfficePeriod(office.id, open, month, tt, catchUp);
    // A catch-up is the adopter's first dispatch (same key: one per office and period); only its wording differs.
    out.push({ kind: 'dispatch', period: tt.period, officeId: office.id, round: 0, at: now });
  }
  if (tt.kind === 'quarterly') period.check = { autoCloseAt: tt.checkAutoCloseAt as number };
  state.periods[tt.period] = period;
}

/** Is this period still chased? Monthly and quarterly while the year runs; the final one during the appraisal. */
function isChased(state: CycleState, p: PeriodState): boolean {
  if (p.check?.closedAt !== undefined) return false;
  return p.kind === 'final' ? state.phase === 'appraisal' : state.phase === 'running';
}

function chase(state: CycleState, p: PeriodState, now: number, out: MailIntent[]) {
  if (!isChased(state, p)) return;
  for (const op of Object.values(p.offices)) {
    if (op.status !== 'due' && op.status !== 'returned') continue;
    const r = op.round;
    const step = (what: 'reminder' | 'overdue' | 'escalation', at: number) => {
      const key = `${what}#${r}`;
      if (op.chased.includes(key) || now < at) return;
      op.chased.push(key);
      // A reminder after the deadline would be wrong: the overdue notice says it instead.
      if (what === 'reminder' && now >= op.deadlineAt) return;
      out.push({ kind: what, period: p.period, officeId: op.officeId, round: r, at: now });
    };
    step('reminder', op.reminderAt);
    step('overdue', op.overdueAt);
    step('escalation', op.escalationAt);
    if (now > op.deadlineAt) op.lateByMs = now - op.deadlineAt;
  }
}

function closeCheckIfDone(plan: Plan, state: CycleState, p: PeriodState, now: number, out: MailIntent[]) {
  const check = p.check;
  if (!check) return;
  if (check.closedAt === undefined) {
    const offices = Object.values(p.offices);
    if (p.kind === 'quarterly' && offices.every((o) => o.status === 'approved')) {
      check.closedAt = now;
      check.closedBy = 'all reports approved';
      check.missing = [];
    } else if (now >= check.autoCloseAt && p.kind === 'quarterly') {
      check.closedAt = now;
      check.closedBy = 'deadline passed';
      check.missing = offices.filter((o) => o.status !== 'approved').map((o) => o.officeId);
    }
  }
  if (check.closedAt !== undefined && !check.summarySent && p.kind === 'quarterly') {
    check.summarySent = true;
    out.push({ kind: 'quarterlySummary', period: p.period, officeId: 'group', round: 0, at: now });
  }
}

function notices(p: PeriodState, now: number, out: MailIntent[]) {
  for (const op of Object.values(p.offices)) {
    for (const n of op.notices.splice(0)) {
      const [kind, round] = n.split('#');
      out.push({ kind: kind as MailKind, period: p.period, officeId: op.officeId, round: Number(round), at: now });
    }
  }
}

/** Rules v2: the review goes out when the Q2 check closes (all approved, closed by the leader, or by its deadline). */
function reviewIsDue(plan: Plan, state: CycleState, cal: WorkCalendar, now: number): boolean | 'skip' {
  const q2 = state.periods[`${plan.year}-Q2`];
  if ((state.rules ?? 1) >= 2) {
    if (!q2) return state.nextMonth > 6 || state.phase !== 'running' ? 'skip' : false; // adopted after the June dispatch
    return q2.check?.closedAt !== undefined;
  }
  const latest = halfYearReviewLatestAt(plan, cal);
  if (state.startedAt > latest) return 'skip';
  return q2?.check?.closedAt !== undefined || now >= latest;
}

function halfYearReview(plan: Plan, state: CycleState, cal: WorkCalendar, now: number, out: MailIntent[]) {
  if (state.review.sentAt !== undefined || state.review.skipped) return;
  const due = reviewIsDue(plan, state, cal, now);
  if (due === 'skip') {
    state.review.skipped = true; // the cycle began after the review was due
    return;
  }
  if (!due) return;
  state.review.sentAt = now;
  for (const office of plan.offices) {
    if (targetsOfOffice(plan, office.id).some((t) => t.window.startMonth <= 6 && t.measure.kind !== 'declaration')) {
      out.push({ kind: 'review', period: `${plan.year}-H1`, officeId: office.id, round: 0, at: now });
    }
  }
  out.push({ kind: 'reviewSummary', period: `${plan.year}-H1`, officeId: 'group', round: 0, at: now });
}

/** When the year-end appraisal starts by itself: after the December (Q4) check closes. */
export function appraisalAutoStartAt(plan: Plan, state: CycleState, cal: WorkCalendar): number | undefined {
  const q4 = state.periods[`${plan.year}-Q4`];
  if (q4) return q4.check?.closedAt;
  if (state.nextMonth > 12) return Math.max(state.startedAt, monthTimetable(plan, 12, cal).dispatchAt);
  return undefined;
}

function startAppraisal(plan: Plan, state: CycleState, cal: WorkCalendar, now: number, out: MailIntent[]) {
  if (state.phase !== 'running') return;
  const auto = appraisalAutoStartAt(plan, state, cal);
  const requested = state.appraisalStartRequestedBy;
  if (!requested && (auto === undefined || now < auto)) return;
  const startDate = epochToLocalDate(now, plan.timeZone);
  const tt = appraisalTimetable(plan, startDate, cal);
  state.phase = 'appraisal';
  state.appraisal = { startedAt: now, startDate, triggeredBy: requested, closeAt: tt.closeAt };
  state.appraisalStartRequestedBy = undefined;
  const period: PeriodState = { period: finalPeriod(plan.year), kind: 'final', month: 12, openedAt: now, offices: {}, check: { autoCloseAt: tt.closeAt } };
  for (const office of plan.offices) {
    const targets = targetsOfOffice(plan, office.id).filter((t) => t.offices.lead === office.id);
    if (!targets.length) continue;
    period.offices[office.id] = newOfficePeriod(office.id, targets, 0, tt); // month 0: nothing is "overdue" in the final round
    out.push({ kind: 'finalRequest', period: period.period, officeId: office.id, round: 0, at: now });
  }
  state.periods[period.period] = period;
}

/** The values the appraisal scores: verified, else the final report's, else the latest progress. */
export function valuesForAppraisal(plan: Plan, state: CycleState): Record<string, RecordedValue> {
  const values: Record<string, RecordedValue> = {};
  const final = state.periods[finalPeriod(plan.year)];
  for (const { target } of allTargets(plan)) {
    const v = state.verified[target.id];
    if (v) {
      values[target.id] = { value: v.value, source: 'verified' };
      continue;
    }
    const finalValue = final && Object.values(final.offices).map((o) => o.report?.values[target.id]).find((x) => x !== undefined);
    if (finalValue !== undefined) values[target.id] = { value: finalValue, source: 'reported' };
    else if (state.progress[target.id]) values[target.id] = { value: state.progress[target.id].value, source: 'reported' };
  }
  return values;
}

function finalizeAppraisal(plan: Plan, state: CycleState, now: number) {
  const a = state.appraisal;
  if (state.phase !== 'appraisal' || !a) return;
  if (!a.finalizeRequestedBy && now < a.closeAt) return;
  a.computedAt = now;
  a.result = scorePlan(plan, valuesForAppraisal(plan, state), { municipalGrade: state.municipalGrade });
  const final = state.periods[finalPeriod(plan.year)];
  if (final?.check && final.check.closedAt === undefined) {
    final.check.closedAt = now;
    final.check.closedBy = a.finalizeRequestedBy ? `finalized by ${a.finalizeRequestedBy}` : 'appraisal closing date';
    final.check.missing = Object.values(final.offices)
      .filter((o) => o.status === 'due' || o.status === 'returned')
      .map((o) => o.officeId);
  }
  state.phase = 'appraised';
}

function appraisalMail(plan: Plan, state: CycleState, now: number, out: MailIntent[]) {
  const a = state.appraisal;
  if (!a?.result || !a.reportFiles || a.mailed) return;
  a.mailed = true;
  out.push({ kind: 'appraisal', period: finalPeriod(plan.year), officeId: 'group', round: 0, at: now });
  for (const office of plan.offices) out.push({ kind: 'appraisal', period: finalPeriod(plan.year), officeId: office.id, round: 0, at: now });
}

function failureNotices(state: CycleState, now: number, out: MailIntent[]) {
  for (const f of state.pendingFailureNotices.splice(0)) {
    out.push({ kind: 'deliveryFailure', period: 'delivery', officeId: 'group', round: 0, at: now, failedKey: f.key, failedError: f.error });
  }
}

/**
 * Everything due at plan time `now`: mutates the state and returns the mail
 * to send, in order. Idempotent: a second call at the same time returns nothing.
 */
export function advance(plan: Plan, state: CycleState, now: number): MailIntent[] {
  const cal = calendarOf(plan);
  const out: MailIntent[] = [];
  while (state.phase === 'running' && !state.appraisalStartRequestedBy && state.nextMonth <= 12 && monthTimetable(plan, state.nextMonth, cal).dispatchAt <= now) {
    openMonth(plan, state, cal, state.nextMonth, now, out);
    state.nextMonth++;
  }
  for (const p of Object.values(state.periods)) {
    notices(p, now, out);
    chase(state, p, now, out);
    closeCheckIfDone(plan, state, p, now, out);
  }
  halfYearReview(plan, state, cal, now, out);
  out.push(...warningIntents(plan, state, now)); // after this advance's reports and dispatch: the standing is current
  startAppraisal(plan, state, cal, now, out);
  finalizeAppraisal(plan, state, now);
  appraisalMail(plan, state, now, out);
  failureNotices(state, now, out);
  return out;
}

/** The next plan-clock instant at which `advance` has something to do (undefined: only a person can move it on). */
export function nextWakeAt(plan: Plan, state: CycleState): number | undefined {
  const cal = calendarOf(plan);
  const times: number[] = [];
  // A delivery failure to report, or a notice to send, is due at once.
  if (state.pendingFailureNotices.length || Object.values(state.periods).some((p) => Object.values(p.offices).some((o) => o.notices.length))) return 0;
  if (state.phase === 'running' && state.nextMonth <= 12) times.push(monthTimetable(plan, state.nextMonth, cal).dispatchAt);
  for (const p of Object.values(state.periods)) {
    if (isChased(state, p)) {
      for (const op of Object.values(p.offices)) {
        if (op.status !== 'due' && op.status !== 'returned') continue;
        const r = op.round;
        if (!op.chased.includes(`reminder#${r}`)) times.push(op.reminderAt);
        if (!op.chased.includes(`overdue#${r}`)) times.push(op.overdueAt);
        if (!op.chased.includes(`escalation#${r}`)) times.push(op.escalationAt);
      }
    }
    if (p.kind === 'quarterly' && p.check && p.check.closedAt === undefined) times.push(p.check.autoCloseAt);
  }
  // Under rules v2 the review waits on the Q2 check, whose auto-close is already a wake-up time.
  if ((state.rules ?? 1) < 2 && state.review.sentAt === undefined && !state.review.skipped && state.phase !== 'appraised') times.push(halfYearReviewLatestAt(plan, cal));
  if (state.phase === 'running') {
    const auto = appraisalAutoStartAt(plan, state, cal);
    if (auto !== undefined) times.push(auto);
  }
  if (state.phase === 'appraisal' && state.appraisal) times.push(state.appraisal.closeAt);
  return times.length ? Math.min(...times) : undefined;
}

export function isFinished(state: CycleState): boolean {
  return state.phase === 'appraised' && !!state.appraisal?.mailed && state.pendingFailureNotices.length === 0;
}

/** The working date a returned report is due again. */
export function resubmitTimes(plan: Plan, now: number) {
  const cal = calendarOf(plan);
  return chasingTimes(plan, cal, epochToLocalDate(now, plan.timeZone), plan.cadence.quarterlyCheck.resubmitWorkingDays);
}
