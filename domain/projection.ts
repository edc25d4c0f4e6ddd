/**
 * 年终预测与预警灯: where each target, office and the unit will end the year if
 * progress keeps its pace, and a traffic light for each. Pure: the view, the
 * warning mail and the cross-unit board all read the same numbers.
 *
 * A target's pace is its reported value over the value expected by the month
 * the report was for (its pro-rata share of the goal); counts are expected in
 * whole items, so a 2-item target is not behind in a month where 0.9 items
 * were "due". Targets with no report are unknown, never zero.
 */
import { parsePeriod } from './calendar';
import { gradeIds, round2, type GradeId, type Plan, type Target } from './plan';
import { gradeFor, goalOf, proRataShare, scoreTarget } from './scoring';

export type Light = 'green' | 'amber' | 'red' | 'unknown';
/** Why a light is what it is: shown in the status and the warning mail. */
export type LightReason = 'onCourse' | 'achieved' | 'declared' | 'behind' | 'projectedMiss' | 'windowEnded' | 'overdue' | 'noReport' | 'beforeAdoption';

const RANK: Record<Light, number> = { red: 0, amber: 1, green: 2, unknown: 3 };
/** The worse of two lights; unknown gives way to any known light. */
export function worse(a: Light, b: Light): Light {
  return RANK[a] <= RANK[b] ? a : b;
}

export interface TargetInput {
  /** The latest reported value and the month (1-12) it was reported for. */
  progress?: { value: number; month: number; period: string };
  /** Months whose dispatch has happened (12 once the appraisal started). */
  asOfMonth: number;
  /** The lead office's current report is past its deadline. */
  overdue: boolean;
  /** First month the cycle asked about (a mid-year adopter's catch-up month; 1 otherwise). */
  adoptedFromMonth: number;
}

export interface TargetProjection {
  targetId: string;
  officeId: string;
  method: 'linear' | 'lastValue' | 'declared' | 'none';
  goal: number | null;
  reported: number | null;
  reportedFor?: string;
  /** Goal times the share of the window elapsed by `asOfMonth`. */
  expectedNow: number | null;
  /** Reported over expected at the month reported for; 1 = exactly on course. */
  pace: number | null;
  projectedValue: number | null;
  projectedPoints: number | null;
  maxPoints: number;
  light: Light;
  reasons: LightReason[];
}

const EPS = 1e-9;

export function methodFor(plan: Pick<Plan, 'projection'>, target: Target): 'linear' | 'lastValue' {
  if (target.measure.kind === 'milestone') return 'lastValue';
  return plan.projection?.methodByTarget[target.id] ?? plan.projection?.method ?? 'linear';
}

export function warningSettings(plan: Pick<Plan, 'warning'>) {
  return { amberTolerance: plan.warning?.amberTolerance ?? 0.1, redTolerance: plan.warning?.redTolerance ?? 0.25, warnGrade: plan.warning?.warnGrade ?? ('unqualified' as GradeId) };
}

/** The value expected by the end of `month`, in whole items for a count. */
function expectedBy(target: Target, goal: number, month: number): number {
  const v = goal * proRataShare(target, month);
  return target.measure.kind === 'count' ? Math.floor(v + EPS) : v;
}

type ScoringPlan = Pick<Plan, 'categories' | 'scoring' | 'totalPoints' | 'projection' | 'warning'>;

/** One target's projection and light (hand-worked examples in test/domain/projection.test.ts). */
export function projectTarget(plan: ScoringPlan, target: Target, input: TargetInput): TargetProjection {
  const { amberTolerance, redTolerance } = warningSettings(plan);
  const goal = goalOf(target.measure);
  const base = { targetId: target.id, officeId: target.offices.lead, goal, maxPoints: round2(target.points), reportedFor: input.progress?.period };
  const points = (value: number) => scoreTarget(plan, target, { value, source: 'verified' }).points;
  if (target.measure.kind === 'declaration' || goal === null) {
    const v = input.progress?.value;
    if (v === undefined) return { ...base, method: 'none', reported: null, expectedNow: null, pace: null, projectedValue: null, projectedPoints: null, light: 'unknown', reasons: ['noReport'] };
    return { ...base, method: 'declared', reported: v, expectedNow: null, pace: null, projectedValue: v, projectedPoints: points(v), light: 'green', reasons: ['declared'] };
  }
  const expectedNow = round2(goal * proRataShare(target, input.asOfMonth));
  const { endMonth } = target.window;
  const p = input.progress;
  if (!p) {
    const ended = input.asOfMonth > endMonth;
    // A window that closed before the cycle was adopted was never asked about: not a failure of this cycle.
    const reasons: LightReason[] = ended ? [endMonth >= input.adoptedFromMonth ? 'windowEnded' : 'beforeAdoption'] : ['noReport'];
    if (input.overdue) reasons.push('overdue');
    const red = reasons.includes('windowEnded') || input.overdue;
    return { ...base, method: 'none', reported: null, expectedNow, pace: null, projectedValue: null, projectedPoints: null, light: red ? 'red' : 'unknown', reasons };
  }
  const method = methodFor(plan, target);
  const v = p.value;
  const ended = p.month >= endMonth || input.asOfMonth > endMonth;
  // A report can only be for a month inside the window; never divide by a zero share.
  const length = endMonth - target.window.startMonth + 1;
  const share = Math.max(proRataShare(target, p.month), 1 / length);
  const expectedThen = expectedBy(target, goal, Math.max(p.month, target.window.startMonth));
  const pace = expectedThen > EPS ? v / expectedThen : 1; // nothing was due yet: on course
  // Nothing due yet and nothing done says nothing about the year: on course, but not projected (not full points).
  const silent = expectedThen <= EPS && v <= EPS && !ended;
  let projectedValue: number | null;
  if (silent) projectedValue = null;
  else if (ended || method === 'lastValue') projectedValue = v;
  else if (expectedThen > EPS) projectedValue = (v * goal) / expectedThen;
  else projectedValue = v / share;
  const reasons: LightReason[] = [];
  let light: Light;
  if (v >= goal - EPS) [light, reasons[0]] = ['green', 'achieved'];
  else if (ended) [light, reasons[0]] = ['red', 'windowEnded'];
  else if (pace < 1 - redTolerance - EPS) [light, reasons[0]] = ['red', 'projectedMiss'];
  else if (pace < 1 - amberTolerance - EPS) [light, reasons[0]] = ['amber', 'behind'];
  else [light, reasons[0]] = ['green', 'onCourse'];
  if (input.overdue) {
    light = 'red';
    reasons.push('overdue');
  }
  const projected = projectedValue === null ? null : round2(projectedValue);
  return { ...base, method, reported: v, expectedNow, pace: round2(pace), projectedValue: projected, projectedPoints: projectedValue === null ? null : points(projectedValue), light, reasons };
}

export interface OfficeLight {
  officeId: string;
  light: Light;
  projectedPoints: number;
  ofPoints: number;
  red: string[];
  amber: string[];
}

export interface UnitLight {
  light: Light;
  /** Projected points of the targets that can be projected, out of their maximum. */
  projectedPoints: number;
  ofPoints: number;
  fraction: number;
  /** The same fraction of the plan's total: the year-end estimate. */
  estimate: number;
  maxPoints: number;
  grade: GradeId;
  gradeName: string;
  knownTargets: number;
  targets: number;
}

export interface ProjectionSummary {
  asOfMonth: number;
  targets: TargetProjection[];
  offices: OfficeLight[];
  unit: UnitLight;
}

/** Is `grade` at or below the plan's warning grade (grades are listed best first)? */
export function gradeAtOrBelow(grade: GradeId, warnGrade: GradeId): boolean {
  return gradeIds.indexOf(grade) >= gradeIds.indexOf(warnGrade);
}

/** Roll target projections up to each lead office and to the unit. */
export function rollUp(plan: Pick<Plan, 'offices' | 'categories' | 'scoring' | 'totalPoints' | 'warning'>, targets: TargetProjection[], asOfMonth: number): ProjectionSummary {
  const offices = plan.offices.map((o): OfficeLight => {
    const mine = targets.filter((t) => t.officeId === o.id);
    const known = mine.filter((t) => t.projectedPoints !== null);
    return {
      officeId: o.id,
      light: mine.reduce<Light>((a, t) => worse(a, t.light), 'unknown'),
      projectedPoints: round2(known.reduce((a, t) => a + (t.projectedPoints as number), 0)),
      ofPoints: round2(known.reduce((a, t) => a + t.maxPoints, 0)),
      red: mine.filter((t) => t.light === 'red').map((t) => t.targetId),
      amber: mine.filter((t) => t.light === 'amber').map((t) => t.targetId),
    };
  });
  const known = targets.filter((t) => t.projectedPoints !== null);
  const projectedPoints = round2(known.reduce((a, t) => a + (t.projectedPoints as number), 0));
  const ofPoints = round2(known.reduce((a, t) => a + t.maxPoints, 0));
  const fraction = ofPoints > 0 ? projectedPoints / ofPoints : 0;
  const grade = gradeFor(plan, fraction * plan.totalPoints, plan.totalPoints);
  let light: Light = 'unknown';
  if (known.length) {
    const worst = targets.reduce<Light>((a, t) => worse(a, t.light), 'unknown');
    light = gradeAtOrBelow(grade.id, warningSettings(plan).warnGrade) ? 'red' : worst === 'green' ? 'green' : 'amber';
  }
  return {
    asOfMonth,
    targets,
    offices,
    unit: { light, projectedPoints, ofPoints, fraction: Math.round(fraction * 10_000) / 10_000, estimate: round2(fraction * plan.totalPoints), maxPoints: plan.totalPoints, grade: grade.id, gradeName: grade.name, knownTargets: known.length, targets: targets.length },
  };
}

/** The month (1-12) a report's period stands for; 12 for the final round. */
export function monthOfPeriod(period: string): number {
  return parsePeriod(period)?.month ?? 12;
}
