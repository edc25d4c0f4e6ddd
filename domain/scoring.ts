/**
 * Scoring: from the values recorded per target to points, subtotals, the
 * total out of the plan's maximum, the grade and eligibility for excellence.
 * The same code gives the year-end appraisal, the running and projected
 * score, and (with pro-rata targets) the half-year standing.
 */
import { allTargets, round2, type GradeId, type Measure, type PlanFile, type ScoringRule, type Target } from './plan';

export type ValueSource = 'verified' | 'reported' | 'none';

export interface RecordedValue {
  value: number;
  source: ValueSource;
}

export interface TargetScore {
  targetId: string;
  indicatorId: string;
  categoryId: string;
  text: string;
  measure: Measure['kind'];
  /** The value the target commits to (pro-rated at half-year), null for a declaration. */
  goal: number | null;
  achieved: number | null;
  source: ValueSource;
  fraction: number;
  rule: ScoringRule['kind'];
  points: number;
  maxPoints: number;
  explanation: string;
}

export interface Subtotal {
  id: string;
  name: string;
  points: number;
  maxPoints: number;
}

export interface Appraisal {
  total: number;
  maxPoints: number;
  fraction: number;
  grade: GradeId;
  gradeName: string;
  eligibleForExcellence: boolean;
  consequence: string;
  categories: Subtotal[];
  indicators: Subtotal[];
  targets: TargetScore[];
}

export interface ScoringOptions {
  /** Half-year standing: targets pro-rated to the months of their window elapsed by the end of this month. */
  proRataUntilMonth?: number;
  /** The municipal government's result, where recorded (市州人民政府绩效考核结果). */
  municipalGrade?: GradeId;
}

type ScoringPlan = Pick<PlanFile, 'categories' | 'scoring' | 'totalPoints'>;

export function ruleFor(plan: ScoringPlan, targetId: string): ScoringRule {
  return plan.scoring.ruleByTarget[targetId] ?? plan.scoring.defaultRule;
}

export function goalOf(measure: Measure): number | null {
  switch (measure.kind) {
    case 'growthPercent':
    case 'count':
    case 'amount':
      return measure.atLeast;
    case 'milestone':
      return 1;
    case 'declaration':
      return null;
  }
}

/** Is the target met by a value (progress reached the goal)? */
export function isAchieved(target: Target, value: number | undefined): boolean {
  if (value === undefined || !Number.isFinite(value)) return false;
  if (target.measure.kind === 'declaration') return true; // a filed declaration is complete; its points are verified later
  const goal = goalOf(target.measure) as number;
  return value >= goal - 1e-9;
}

/** Points for a fraction under a rule; never more than `max`, never less than 0. */
export function pointsFor(rule: ScoringRule, fraction: number, max: number): number {
  // An overflowing fraction (a huge value over a tiny goal) is still full achievement; only NaN scores nothing.
  const f = Number.isNaN(fraction) ? 0 : Math.max(0, fraction);
  switch (rule.kind) {
    case 'proportional':
      return round2(Math.min(1, f) * max);
    case 'allOrNothing':
      return f >= 1 - 1e-9 ? max : 0;
    case 'steps': {
      let pf = 0;
      for (const s of rule.steps) if (f >= s.atLeast - 1e-9) pf = Math.max(pf, s.pointsFraction);
      return round2(Math.min(1, pf) * max);
    }
  }
}

function describeRule(rule: ScoringRule): string {
  switch (rule.kind) {
    case 'proportional':
      return 'proportional, capped at full points';
    case 'allOrNothing':
      return 'all or nothing';
    case 'steps':
      return `steps ${rule.steps.map((s) => `>=${s.atLeast}:${s.pointsFraction}`).join(', ')}`;
  }
}

function unitOf(measure: Measure): string {
  if (measure.kind === 'growthPercent') return '%';
  if (measure.kind === 'count' || measure.kind === 'amount') return ` ${measure.unit.en}`;
  return '';
}

export function scoreTarget(plan: ScoringPlan, target: Target, recorded: RecordedValue | undefined, proRata = 1): Omit<TargetScore, 'indicatorId' | 'categoryId'> {
  const rule = ruleFor(plan, target.id);
  const max = round2(target.points);
  const base = { targetId: target.id, text: target.text.en, measure: target.measure.kind, rule: rule.kind, maxPoints: max };
  const useValue = recorded && Number.isFinite(recorded.value) ? recorded : undefined;
  const unverifiedZero = useValue?.source === 'reported' && plan.scoring.unverifiedValues === 'zero';
  if (!useValue || useValue.source === 'none' || unverifiedZero) {
    const why = unverifiedZero ? 'reported but not verified, and the plan scores unverified values as 0' : 'no value recorded';
    const goal = goalOf(target.measure);
    return { ...base, goal: goal === null ? null : goal * proRata, achieved: null, source: useValue?.source ?? 'none', fraction: 0, points: 0, explanation: `${why}: 0 of ${max} points` };
  }
  if (target.measure.kind === 'declaration') {
    const declared = Math.max(0, useValue.value);
    const fraction = max > 0 ? declared / max : 0;
    const points = pointsFor({ kind: 'proportional' }, fraction, max);
    return {
      ...base,
      rule: 'proportional',
      goal: null,
      achieved: declared,
      source: useValue.source,
      fraction,
      points,
      explanation: `${useValue.source} declaration of ${declared} points, capped at ${max}: ${points} of ${max} points`,
    };
  }
  const goal = (goalOf(target.measure) as number) * proRata;
  const fraction = goal > 0 ? Math.max(0, useValue.value) / goal : 0;
  const points = pointsFor(rule, fraction, max);
  const u = unitOf(target.measure);
  const proRataNote = proRata < 1 ? ` (pro-rata ${round2(proRata * 100)}% of ${goalOf(target.measure)}${u})` : '';
  return {
    ...base,
    goal,
    achieved: useValue.value,
    source: useValue.source,
    fraction,
    points,
    explanation: `${useValue.source} ${useValue.value}${u} against ${round2(goal)}${u}${proRataNote} = ${round2(fraction * 100)}%; ${describeRule(rule)}: ${points} of ${max} points`,
  };
}

/** The share of a target's window elapsed by the end of `untilMonth` (0 if not started). */
export function proRataShare(target: Target, untilMonth: number): number {
  const { startMonth, endMonth } = target.window;
  if (untilMonth < startMonth) return 0;
  const elapsed = Math.min(untilMonth, endMonth) - startMonth + 1;
  return elapsed / (endMonth - startMonth + 1);
}

export function gradeFor(plan: ScoringPlan, total: number, max: number): { id: GradeId; name: string } {
  const f = max > 0 ? total / max : 0;
  for (const g of plan.scoring.grades) if (f >= g.atLeast - 1e-9) return { id: g.id, name: `${g.name.zh} ${g.name.en}` };
  const last = plan.scoring.grades[plan.scoring.grades.length - 1];
  return { id: last.id, name: `${last.name.zh} ${last.name.en}` };
}

export function scorePlan(plan: ScoringPlan, values: Readonly<Record<string, RecordedValue>>, options: ScoringOptions = {}): Appraisal {
  const targets: TargetScore[] = [];
  const indicators: Subtotal[] = [];
  const categories: Subtotal[] = [];
  for (const category of plan.categories) {
    let cPoints = 0;
    let cMax = 0;
    for (const indicator of category.indicators) {
      let iPoints = 0;
      let iMax = 0;
      for (const target of indicator.targets) {
        let proRata = 1;
        if (options.proRataUntilMonth !== undefined) {
          if (target.measure.kind === 'declaration') continue; // declared only at year-end
          proRata = proRataShare(target, options.proRataUntilMonth);
          if (proRata === 0) continue; // window not started: not part of the standing
        }
        const s = { ...scoreTarget(plan, target, values[target.id], proRata), indicatorId: indicator.id, categoryId: category.id };
        targets.push(s);
        iPoints += s.points;
        iMax += s.maxPoints;
      }
      indicators.push({ id: indicator.id, name: indicator.name.en, points: round2(iPoints), maxPoints: round2(iMax) });
      cPoints += iPoints;
      cMax += iMax;
    }
    categories.push({ id: category.id, name: category.name.en, points: round2(cPoints), maxPoints: round2(cMax) });
  }
  const total = round2(categories.reduce((a, c) => a + c.points, 0));
  const maxPoints = options.proRataUntilMonth === undefined ? plan.totalPoints : round2(categories.reduce((a, c) => a + c.maxPoints, 0));
  const grade = gradeFor(plan, total, maxPoints);
  const ownIneligible = plan.scoring.ineligibleForExcellence.includes(grade.id);
  const municipalIneligible = options.municipalGrade !== undefined && plan.scoring.ineligibleForExcellence.includes(options.municipalGrade);
  const eligibleForExcellence = !ownIneligible && !municipalIneligible;
  const consequence = eligibleForExcellence
    ? 'eligible for excellence (可参加评先评优)'
    : ownIneligible
      ? `rated ${grade.id}: not eligible for excellence (考核${grade.name.split(' ')[0]}，不能评先评优)`
      : `the municipal appraisal rated the unit ${options.municipalGrade}: not eligible for excellence (市州考核不合格，不能评先评优)`;
  return {
    total,
    maxPoints,
    fraction: maxPoints > 0 ? total / maxPoints : 0,
    grade: grade.id,
    gradeName: grade.name,
    eligibleForExcellence,
    consequence,
    categories,
    indicators,
    targets,
  };
}

/** The total a plan can score: used to check a plan and in property tests. */
export function maxScore(plan: ScoringPlan): number {
  return round2(allTargets(plan).reduce((a, r) => a + r.target.points, 0));
}
