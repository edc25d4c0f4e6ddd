/**
 * The faster scorer (domain/scoring.ts) against a frozen copy of the one it replaced
 * (test/fixtures/scoringV1.ts): byte-identical JSON, the same key order and the same explanation
 * text, over many random value sets, rules and options. The JSON is what lands in histories and
 * reports, so "the same" here means the same bytes.
 */
import fc from 'fast-check';
import { loadPlan } from '../../client/planLoader';
import { allTargets, gradeIds, type Plan, type ScoringRule } from '../../domain/plan';
import { scorePlan, scoreTarget, type RecordedValue } from '../../domain/scoring';
import { SEED_PLAN_PATH } from '../../infra/paths';
import * as v1 from '../fixtures/scoringV1';

const plan: Plan = loadPlan(SEED_PLAN_PATH);
const targets = allTargets(plan).map((r) => r.target);

const valueArb = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -10, max: 5000, noNaN: true }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 100 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e-12) },
);
const recordedArb: fc.Arbitrary<RecordedValue> = fc.record({ value: valueArb, source: fc.constantFrom('verified' as const, 'reported' as const, 'none' as const) });
const valuesArb = fc.dictionary(fc.constantFrom(...targets.map((t) => t.id)), recordedArb, { maxKeys: targets.length });
const ruleArb: fc.Arbitrary<ScoringRule> = fc.oneof(
  fc.constant({ kind: 'proportional' as const }),
  fc.constant({ kind: 'allOrNothing' as const }),
  fc
    .array(fc.record({ atLeast: fc.double({ min: 0, max: 2, noNaN: true }), pointsFraction: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 4 })
    .map((steps) => ({ kind: 'steps' as const, steps })),
);
const planArb: fc.Arbitrary<Plan> = fc
  .record({
    defaultRule: ruleArb,
    perTarget: fc.dictionary(fc.constantFrom(...targets.filter((t) => t.measure.kind !== 'declaration').map((t) => t.id)), ruleArb, { maxKeys: 5 }),
    unverifiedZero: fc.boolean(),
  })
  .map(({ defaultRule, perTarget, unverifiedZero }) => ({
    ...plan,
    scoring: { ...plan.scoring, defaultRule, ruleByTarget: { ...plan.scoring.ruleByTarget, ...perTarget }, unverifiedValues: unverifiedZero ? 'zero' : plan.scoring.unverifiedValues },
  }));
const optionsArb = fc.record(
  { proRataUntilMonth: fc.integer({ min: 0, max: 13 }), municipalGrade: fc.constantFrom(...gradeIds) },
  { requiredKeys: [] },
);

describe('scorePlan: the new scorer gives exactly what the old one gave', () => {
  test('random plans, values and options: identical JSON (keys, order, numbers, explanations)', () => {
    fc.assert(
      fc.property(planArb, valuesArb, optionsArb, (p, values, options) => {
        const now = scorePlan(p, values, options);
        const old = v1.scorePlan(p, values, options);
        expect(JSON.stringify(now)).toBe(JSON.stringify(old));
        expect(now).toEqual(old);
      }),
      { numRuns: 2000, seed: 20261128 },
    );
  });

  test('scoreTarget alone, with pro-rata shares: identical JSON', () => {
    fc.assert(
      fc.property(planArb, fc.constantFrom(...targets), recordedArb, fc.constantFrom(1, 0.5, 1 / 3, 0.25, 11 / 12), (p, t, rec, share) => {
        expect(JSON.stringify(scoreTarget(p, t, rec, share))).toBe(JSON.stringify(v1.scoreTarget(p, t, rec, share)));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  test('the explanation is a plain own string field', () => {
    const a = scorePlan(plan, { 't1-1': { value: 5, source: 'reported' } });
    const t = a.targets.find((x) => x.targetId === 't1-1')!;
    expect(Object.keys(t)).toContain('explanation');
    expect({ ...t }.explanation).toBe(t.explanation);
    expect(structuredClone(t).explanation).toBe('reported 5% against 10% = 50%; proportional, capped at full points: 25 of 50 points');
  });
});
