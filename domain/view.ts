/**
 * What anyone can see at any moment: what each office owes and by when, what
 * is late, the approvals pending, the running and projected score.
 */
import { periodOfMonth } from './calendar';
import { calendarWarnings } from './calendarCoverage';
import { isFinished, nextWakeAt, type CycleState, type OfficeStatus } from './cycle';
import { allTargets, round2, type Plan } from './plan';
import { proRataShare, scorePlan, type Appraisal, type RecordedValue } from './scoring';
import { formatLocal, localYearMonth } from './time';
import type { ProjectionSummary } from './projection';
import { cycleProjection } from './warnings';

export interface OwedItem {
  period: string;
  kind: string;
  status: OfficeStatus;
  deadline: string;
  late: boolean;
  lateByDays?: number;
  round: number;
  targets: string[];
}

export interface CycleView {
  workflowId: string;
  unit: { id: string; name: string };
  year: number;
  planVersion: string;
  phase: CycleState['phase'];
  finished: boolean;
  planNow: string;
  nextEventAt?: string;
  offices: { officeId: string; name: string; owes: OwedItem[]; late: boolean; filed: FiledItem[] }[];
  /** A cycle adopted after January: the periods before it were never requested. */
  adoption?: { at: string; periodsBefore: string[] };
  /** Dates the cycle will need that no holiday data covers (the year boundary). */
  calendarWarnings: string[];
  lateOffices: string[];
  pendingApprovals: { period: string; officeId: string; submittedAt: string; revision: number }[];
  openChecks: { period: string; approved: number; of: number; autoCloseAt: string }[];
  runningScore: { total: number; maxPoints: number };
  /** Over the targets with a report so far; with none, there is nothing to project from. */
  projectedScore: { total: number; maxPoints: number; grade: string; reportedTargets: number; targets: number };
  halfYearReview: { sentAt?: string; skipped: boolean; comments: number };
  appraisal?: { startedAt: string; closeAt: string; triggeredBy?: string; computedAt?: string; total?: number; maxPoints?: number; grade?: string; eligibleForExcellence?: boolean; reportFiles?: string[] };
  deliveryFailures: { key: string; at: string; error: string }[];
  progress: Record<string, number>;
  /** Lights per target, office and unit, and the year-end projection (domain/projection.ts). */
  projection: ProjectionSummary;
}

const DAY = 86_400_000;

/** What an office has filed that is not owed any more: awaiting the leader's approval, or its latest report. */
export interface FiledItem {
  period: string;
  status: OfficeStatus;
  revision: number;
  awaitingApproval: boolean;
  acknowledged: boolean;
}

function filedByOffice(state: CycleState, officeId: string): FiledItem[] {
  const periods = Object.values(state.periods).filter((p) => p.offices[officeId]?.report && (p.offices[officeId].status === 'submitted' || p.offices[officeId].status === 'approved'));
  const item = (p: (typeof periods)[number]): FiledItem => {
    const op = p.offices[officeId];
    return { period: p.period, status: op.status, revision: op.report!.revision, awaitingApproval: p.kind === 'quarterly' && op.status === 'submitted' && p.check?.closedAt === undefined, acknowledged: !!op.acknowledged };
  };
  const awaiting = periods.filter((p) => item(p).awaitingApproval);
  const latest = periods.sort((a, b) => b.openedAt - a.openedAt)[0];
  return [...awaiting, ...(latest && !awaiting.includes(latest) ? [latest] : [])].map(item);
}

export function runningValues(state: CycleState): Record<string, RecordedValue> {
  const v: Record<string, RecordedValue> = {};
  for (const [id, p] of Object.entries(state.progress)) v[id] = { value: p.value, source: 'reported' };
  return v;
}

/** If progress keeps its pace to the end of each target's window. */
export function projectedValues(plan: Plan, state: CycleState, now: number): Record<string, RecordedValue> {
  const { year, month } = localYearMonth(now, plan.timeZone);
  const m = year > plan.year ? 12 : year < plan.year ? 0 : month;
  const out: Record<string, RecordedValue> = {};
  for (const { target } of allTargets(plan)) {
    const p = state.progress[target.id];
    if (!p) continue;
    const share = target.measure.kind === 'declaration' ? 1 : proRataShare(target, m);
    out[target.id] = { value: share > 0 ? p.value / share : p.value, source: 'reported' };
  }
  return out;
}

/** What each office owes now (open periods it has not reported, or that were returned), with lateness. */
export function owedByOffice(plan: Plan, state: CycleState, now: number): CycleView['offices'] {
  const z = plan.timeZone;
  return plan.offices.map((o) => {
    const owes: OwedItem[] = [];
    for (const p of Object.values(state.periods)) {
      const op = p.offices[o.id];
      if (!op || op.status === 'approved' || op.status === 'submitted') continue;
      if (p.check?.closedAt !== undefined) continue;
      if (p.kind !== 'final' && state.phase === 'appraised') continue;
      const late = now > op.deadlineAt;
      owes.push({
        period: p.period,
        kind: p.kind,
        status: op.status,
        deadline: formatLocal(op.deadlineAt, z),
        late,
        lateByDays: late ? round2((now - op.deadlineAt) / DAY) : undefined,
        round: op.round,
        targets: op.targets,
      });
    }
    return { officeId: o.id, name: `${o.name.zh} ${o.name.en}`, owes, late: owes.some((x) => x.late), filed: [] };
  });
}

/** The offices with something late: what the CycleLateOffices search attribute carries. */
export function lateOffices(plan: Plan, state: CycleState, now: number): string[] {
  return owedByOffice(plan, state, now)
    .filter((o) => o.late)
    .map((o) => o.officeId);
}

export function cycleView(plan: Plan, state: CycleState, now: number): CycleView {
  const z = plan.timeZone;
  const offices = owedByOffice(plan, state, now).map((o) => ({ ...o, filed: filedByOffice(state, o.officeId) }));
  const pendingApprovals = Object.values(state.periods)
    .filter((p) => p.kind === 'quarterly' && p.check?.closedAt === undefined)
    .flatMap((p) =>
      Object.values(p.offices)
        .filter((op) => op.status === 'submitted' && op.report)
        .map((op) => ({ period: p.period, officeId: op.officeId, submittedAt: formatLocal(op.report!.submittedAt, z), revision: op.report!.revision })),
    );
  const openChecks = Object.values(state.periods)
    .filter((p) => p.kind === 'quarterly' && p.check && p.check.closedAt === undefined)
    .map((p) => ({
      period: p.period,
      approved: Object.values(p.offices).filter((o) => o.status === 'approved').length,
      of: Object.keys(p.offices).length,
      autoCloseAt: formatLocal(p.check!.autoCloseAt, z),
    }));
  const running = scorePlan(plan, runningValues(state));
  const projected = scorePlan(plan, projectedValues(plan, state, now));
  const next = nextWakeAt(plan, state);
  const a = state.appraisal;
  return {
    workflowId: state.workflowId,
    unit: { id: plan.unit.id, name: `${plan.unit.name.zh} ${plan.unit.name.en}` },
    year: plan.year,
    planVersion: plan.planVersion,
    phase: state.phase,
    finished: isFinished(state),
    planNow: formatLocal(now, z),
    nextEventAt: next === undefined ? undefined : formatLocal(next, z),
    offices,
    lateOffices: offices.filter((o) => o.late).map((o) => o.officeId),
    pendingApprovals,
    openChecks,
    runningScore: { total: running.total, maxPoints: running.maxPoints },
    projectedScore: { total: projected.total, maxPoints: projected.maxPoints, grade: projected.grade, reportedTargets: Object.keys(state.progress).length, targets: allTargets(plan).length },
    adoption: state.adoption && {
      at: formatLocal(state.adoption.at, z),
      periodsBefore: Array.from({ length: state.adoption.firstMonth - 1 }, (_, i) => periodOfMonth(plan.year, i + 1)),
    },
    calendarWarnings: calendarWarnings(plan),
    halfYearReview: {
      sentAt: state.review.sentAt === undefined ? undefined : formatLocal(state.review.sentAt, z),
      skipped: !!state.review.skipped,
      comments: state.review.comments.length,
    },
    appraisal: a && {
      startedAt: formatLocal(a.startedAt, z),
      closeAt: formatLocal(a.closeAt, z),
      triggeredBy: a.triggeredBy,
      computedAt: a.computedAt === undefined ? undefined : formatLocal(a.computedAt, z),
      total: a.result?.total,
      maxPoints: a.result?.maxPoints,
      grade: a.result?.grade,
      eligibleForExcellence: a.result?.eligibleForExcellence,
      reportFiles: a.reportFiles,
    },
    deliveryFailures: state.failures.map((f) => ({ key: f.key, at: formatLocal(f.at, z), error: f.error })),
    progress: Object.fromEntries(Object.entries(state.progress).map(([k, v]) => [k, v.value])),
    projection: cycleProjection(plan, state, now),
  };
}

/** The half-year standing: every target against its pro-rata value by the end of June. */
export function halfYearStanding(plan: Plan, state: CycleState): Appraisal {
  return scorePlan(plan, runningValues(state), { proRataUntilMonth: 6 });
}
