/**
 * Projection and lights as pure functions: hand-worked examples on the seed
 * plan's targets, and properties (more progress never gives a worse light or
 * a lower projection).
 */
import fc from 'fast-check';
import { loadPlan } from '../../client/planLoader';
import { allTargets, type Target } from '../../domain/plan';
import { projectTarget, rollUp, type Light, type TargetInput } from '../../domain/projection';
import { SEED_PLAN_PATH } from '../../infra/paths';

const plan = loadPlan(SEED_PLAN_PATH);
const target = (id: string) => allTargets(plan).find((r) => r.target.id === id)!.target;
const at = (month: number, value: number, more: Partial<TargetInput> = {}): TargetInput => ({
  progress: { value, month, period: `${plan.year}-${String(month).padStart(2, '0')}` },
  asOfMonth: month,
  overdue: false,
  adoptedFromMonth: 1,
  ...more,
});

describe('hand-worked: t6-1, an amount of 267.9 over months 1-12, worth 25 points', () => {
  test('exactly the January share (267.9 / 12 = 22.325) is on course and projects the goal', () => {
    const p = projectTarget(plan, target('t6-1'), at(1, 22.325));
    expect(p).toMatchObject({ light: 'green', reasons: ['onCourse'], pace: 1, projectedValue: 267.9, projectedPoints: 25, expectedNow: 22.32 }); // 22.325 in binary is just under: round2 gives 22.32
  });
  test('half the share is red: projected 133.95, half the points', () => {
    const p = projectTarget(plan, target('t6-1'), at(1, 11.1625));
    expect(p).toMatchObject({ light: 'red', reasons: ['projectedMiss'], pace: 0.5, projectedValue: 133.95, projectedPoints: 12.5 });
  });
  test('85% of the share is amber (tolerance 10%, red below 75%)', () => {
    expect(projectTarget(plan, target('t6-1'), at(6, 133.95 * 0.85)).light).toBe('amber');
    expect(projectTarget(plan, target('t6-1'), at(6, 133.95 * 0.91)).light).toBe('green');
    expect(projectTarget(plan, target('t6-1'), at(6, 133.95 * 0.74)).light).toBe('red');
  });
  test('an overdue report turns it red whatever the pace, without changing the projection', () => {
    const p = projectTarget(plan, target('t6-1'), at(1, 22.325, { overdue: true }));
    expect(p).toMatchObject({ light: 'red', reasons: ['onCourse', 'overdue'], projectedValue: 267.9 });
  });
});

describe('hand-worked: counts are expected in whole items', () => {
  test('t2-3c (2 bases, months 4-12): nothing is due in April (2 x 1/9 < 1), so 0 is on course, but not projected', () => {
    expect(projectTarget(plan, target('t2-3c'), at(4, 0))).toMatchObject({ light: 'green', pace: 1, projectedValue: null, projectedPoints: null });
    expect(projectTarget(plan, target('t2-3c'), at(4, 1))).toMatchObject({ light: 'green', projectedValue: 9, projectedPoints: 11 });
  });
  test('t2-3c in August: 1 is due (2 x 5/9 = 1.1), so 0 is red and projects 0', () => {
    expect(projectTarget(plan, target('t2-3c'), at(8, 0))).toMatchObject({ light: 'red', pace: 0, projectedValue: 0, projectedPoints: 0 });
  });
  test('t4-1 (3 sites by October): 2 reported for October is red because the window ended', () => {
    expect(projectTarget(plan, target('t4-1'), at(10, 2))).toMatchObject({ light: 'red', reasons: ['windowEnded'], projectedValue: 2 });
    expect(projectTarget(plan, target('t4-1'), at(10, 3))).toMatchObject({ light: 'green', reasons: ['achieved'] });
  });
});

describe('hand-worked: milestones, declarations, no report, adoption', () => {
  test('t3-1, a milestone over months 5-11: 0.5 in August (4/7 due) is amber and projects 0.5, not extrapolated', () => {
    expect(projectTarget(plan, target('t3-1'), at(8, 0.5))).toMatchObject({ light: 'amber', method: 'lastValue', projectedValue: 0.5, projectedPoints: 17 });
  });
  test('a declaration is unknown until declared, then green with its declared points', () => {
    const t5 = target('t5-1');
    expect(projectTarget(plan, t5, { asOfMonth: 11, overdue: false, adoptedFromMonth: 1 })).toMatchObject({ light: 'unknown', projectedPoints: null });
    expect(projectTarget(plan, t5, at(12, 10))).toMatchObject({ light: 'green', projectedPoints: 10 });
  });
  test('no report is unknown, not zero; a window that ended unreported is red, unless it ended before adoption', () => {
    const none = { asOfMonth: 5, overdue: false, adoptedFromMonth: 1 };
    expect(projectTarget(plan, target('t6-1'), none)).toMatchObject({ light: 'unknown', projectedValue: null, reasons: ['noReport'] });
    expect(projectTarget(plan, target('t4-1'), { ...none, asOfMonth: 11 })).toMatchObject({ light: 'red', reasons: ['windowEnded'] });
    expect(projectTarget(plan, target('t4-1'), { ...none, asOfMonth: 11, adoptedFromMonth: 11 })).toMatchObject({ light: 'unknown', reasons: ['beforeAdoption'] });
  });
  test('the plan chooses the method and the thresholds', () => {
    const strict = { ...plan, projection: { method: 'lastValue' as const, methodByTarget: {} }, warning: { amberTolerance: 0, redTolerance: 0.05, warnGrade: 'pass' as const } };
    expect(projectTarget(strict, target('t6-1'), at(6, 133.95 * 0.97))).toMatchObject({ light: 'amber', projectedValue: 129.93 });
  });
});

describe('roll-up', () => {
  test('an office takes its worst light; the unit is red when its projected grade is unqualified; unknown targets do not count', () => {
    const projections = allTargets(plan).map(({ target: t }) =>
      t.id === 't6-1' ? projectTarget(plan, t, at(1, 11.1625)) : t.id === 't1-1' ? projectTarget(plan, t, at(1, 10 / 12)) : projectTarget(plan, t, { asOfMonth: 1, overdue: false, adoptedFromMonth: 1 }),
    );
    const s = rollUp(plan, projections, 1);
    expect(s.offices.find((o) => o.officeId === 'planning')).toMatchObject({ light: 'red', red: ['t6-1'], projectedPoints: 12.5, ofPoints: 25 });
    expect(s.offices.find((o) => o.officeId === 'hi-tech-office')).toMatchObject({ light: 'green', projectedPoints: 50, ofPoints: 50 });
    expect(s.offices.find((o) => o.officeId === 'rural-social')?.light).toBe('unknown');
    // 62.5 of 75 projectable points = 83.3% of 680 = 566.67: good, amber because one target is red.
    expect(s.unit).toMatchObject({ projectedPoints: 62.5, ofPoints: 75, estimate: 566.67, grade: 'good', light: 'amber', knownTargets: 2 });
  });
});

const RANK: Record<Light, number> = { red: 0, amber: 1, green: 2, unknown: 3 };
const projectable = allTargets(plan)
  .map((r) => r.target)
  .filter((t) => t.measure.kind !== 'declaration');
const goalOf = (t: Target) => (t.measure.kind === 'milestone' ? 1 : (t.measure as { atLeast: number }).atLeast);

describe('properties', () => {
  const arb = fc.record({
    t: fc.constantFrom(...projectable),
    a: fc.double({ min: 0, max: 2, noNaN: true }),
    b: fc.double({ min: 0, max: 2, noNaN: true }),
    offset: fc.integer({ min: 0, max: 11 }),
    extra: fc.integer({ min: 0, max: 3 }),
    overdue: fc.boolean(),
  });
  test('more progress never gives a worse light, a lower projected value or fewer projected points', () => {
    fc.assert(
      fc.property(arb, ({ t, a, b, offset, extra, overdue }) => {
        const month = Math.min(t.window.endMonth, t.window.startMonth + (offset % (t.window.endMonth - t.window.startMonth + 1)));
        const scale = (x: number) => (t.measure.kind === 'count' ? Math.round(x * goalOf(t)) : t.measure.kind === 'milestone' ? Math.min(1, x) : x * goalOf(t));
        const [lo, hi] = [scale(Math.min(a, b)), scale(Math.max(a, b))];
        const input = (v: number) => at(month, v, { asOfMonth: Math.min(12, month + extra), overdue });
        const p = projectTarget(plan, t, input(lo));
        const q = projectTarget(plan, t, input(hi));
        expect(RANK[q.light]).toBeGreaterThanOrEqual(RANK[p.light]);
        // Not projected (null) is below any projection: more progress can only make a target projectable.
        expect(q.projectedValue ?? -1).toBeGreaterThanOrEqual(p.projectedValue ?? -1);
        expect(q.projectedPoints ?? -1).toBeGreaterThanOrEqual(p.projectedPoints ?? -1);
      }),
      { numRuns: 500 },
    );
  });
  test('a reported value never projects below itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(...projectable), fc.double({ min: 0, max: 3, noNaN: true }), (t, x) => {
        const month = t.window.endMonth - 1 >= t.window.startMonth ? t.window.endMonth - 1 : t.window.startMonth;
        const v = t.measure.kind === 'count' ? Math.round(x * goalOf(t)) : t.measure.kind === 'milestone' ? Math.min(1, x) : x * goalOf(t);
        const p = projectTarget(plan, t, at(month, v));
        if (p.projectedValue !== null) expect(p.projectedValue).toBeGreaterThanOrEqual(Math.round(v * 100) / 100 - 0.01);
      }),
      { numRuns: 300 },
    );
  });
});
