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

/** A rule's description is the same for every target and every appraisal: built once per rule object. */
const ruleText = new WeakMap<ScoringRule, string>();
function ruleDescription(rule: ScoringRule): string {
  let text = ruleText.get(rule);
  if (text === undefined) ruleText.set(rule, (text = describeRule(rule)));
  return text;
}

function unitOf(measure: Measure): string {
  if (measure.kind === 'growthPercent') return '%';
  if (measure.kind === 'count' || measure.kind === 'amount') return ` ${measure.unit.en}`;
  return '';
}

/**
 * One target's score, written as one object literal in the key order the result has always had
 * (it is serialised into histories and reports, so its JSON must not change). Object spreads were
 * most of the cost of an appraisal before; the old scorer is kept in test/fixtures/scoringV1.ts and
 * compared byte for byte in test/domain/scoringEquivalence.test.ts.
 */
function targetScore(
  target: Target,
  rule: ScoringRule['kind'],
  maxPoints: number,
  goal: number | null,
  achieved: number | null,
  source: ValueSource,
  fraction: number,
  points: number,
  explanation: string,
  indicatorId: string | undefined,
  categoryId: string | undefined,
): TargetScore {
  const text = target.text.en;
  const measure = target.measure.kind;
  // scoreTarget's own result has no indicator and category keys (as before); the rest is the same shape.
  if (indicatorId === undefined || categoryId === undefined) return { targetId: target.id, text, measure, rule, maxPoints, goal, achieved, source, fraction, points, explanation } as TargetScore;
  return { targetId: target.id, text, measure, rule, maxPoints, goal, achieved, source, fraction, points, explanation, indicatorId, categoryId };
}

/** What an appraisal needs of a target that is the same in every appraisal of the plan, worked out once. */
interface TargetConstants {
  plan: ScoringPlan;
  rule: ScoringRule;
  max: number;
  fullGoal: number | null;
  unit: string;
  /** ` against GOAL UNIT` at full pro-rata, and `: ` … `RULE: ` text pieces, as they appear in the explanation. */
  againstFull: string;
  ruleText: string;
  ofMax: string;
}

const constantsOf = new WeakMap<Target, TargetConstants>();
function constants(plan: ScoringPlan, target: Target): TargetConstants {
  let c = constantsOf.get(target);
  if (c === undefined || c.plan !== plan) {
    const rule = ruleFor(plan, target.id);
    const max = round2(target.points);
    const fullGoal = goalOf(target.measure);
    const unit = unitOf(target.measure);
    c = { plan, rule, max, fullGoal, unit, againstFull: fullGoal === null ? '' : ` against ${round2(fullGoal)}${unit}`, ruleText: ruleDescription(rule), ofMax: ` of ${max} points` };
    constantsOf.set(target, c);
  }
  return c;
}

function scoreOne(plan: ScoringPlan, target: Target, recorded: RecordedValue | undefined, proRata: number, indicatorId?: string, categoryId?: string): TargetScore {
  const k = constants(plan, target);
  const rule = k.rule;
  const max = k.max;
  const useValue = recorded !== undefined && Number.isFinite(recorded.value) ? recorded : undefined;
  const unverifiedZero = useValue !== undefined && useValue.source === 'reported' && plan.scoring.unverifiedValues === 'zero';
  if (useValue === undefined || useValue.source === 'none' || unverifiedZero) {
    const why = unverifiedZero ? 'reported but not verified, and the plan scores unverified values as 0' : 'no value recorded';
    const goal = goalOf(target.measure);
    return targetScore(target, rule.kind, max, goal === null ? null : goal * proRata, null, useValue?.source ?? 'none', 0, 0, `${why}: 0 of ${max} points`, indicatorId, categoryId);
  }
  const source = useValue.source;
  const value = useValue.value;
  if (target.measure.kind === 'declaration') {
    const declared = Math.max(0, value);
    const fraction = max > 0 ? declared / max : 0;
    const points = pointsFor(PROPORTIONAL, fraction, max);
    const explanation = `${source} declaration of ${declared} points, capped at ${max}: ${points} of ${max} points`;
    return targetScore(target, 'proportional', max, null, declared, source, fraction, points, explanation, indicatorId, categoryId);
  }
  const fullGoal = k.fullGoal as number;
  const goal = fullGoal * proRata;
  const fraction = goal > 0 ? Math.max(0, value) / goal : 0;
  const points = pointsFor(rule, fraction, max);
  const u = k.unit;
  const against = proRata === 1 ? k.againstFull : ` against ${round2(goal)}${u}`;
  const proRataNote = proRata < 1 ? ` (pro-rata ${round2(proRata * 100)}% of ${fullGoal}${u})` : '';
  const explanation = `${source} ${value}${u}${against}${proRataNote} = ${round2(fraction * 100)}%; ${k.ruleText}: ${points}${k.ofMax}`;
  return targetScore(target, rule.kind, max, goal, value, source, fraction, points, explanation, indicatorId, categoryId);
}

const PROPORTIONAL: ScoringRule = { kind: 'proportional' };

export function scoreTarget(plan: ScoringPlan, target: Target, recorded: RecordedValue | undefined, proRata = 1): Omit<TargetScore, 'indicatorId' | 'categoryId'> {
  return scoreOne(plan, target, recorded, proRata);
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
        const s = scoreOne(plan, target, values[target.id], proRata, indicator.id, category.id);
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
  let sumPoints = 0;
  let sumMax = 0;
  for (const c of categories) {
    sumPoints += c.points;
    sumMax += c.maxPoints;
  }
  const total = round2(sumPoints);
  const maxPoints = options.proRataUntilMonth === undefined ? plan.totalPoints : round2(sumMax);
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
