/**
 * 3. scoring: `scorePlan` on the seed plan with many random value sets, beside the same loop with
 * only the value generation and a trivial sum, and beside the scorer before round two (the frozen
 * copy in test/fixtures/scoringV1.ts) on the same values.
 */
import { loadPlan } from '../client/planLoader';
import { allTargets, round2, type Plan } from '../domain/plan';
import { goalOf, scorePlan, type RecordedValue } from '../domain/scoring';
import { SEED_PLAN_PATH } from '../infra/paths';
import * as v1 from '../test/fixtures/scoringV1';
import { CONFIG } from './config';
import { fmt, results, row } from './report';
import { median, ratio, round } from './util';

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Scorer = ((plan: Plan, values: Record<string, RecordedValue>) => { total: number }) | undefined;

export function scoringBench() {
  const plan = loadPlan(SEED_PLAN_PATH);
  const targets = allTargets(plan).map((r) => r.target);
  const n = CONFIG.scoringPlans;
  // The values are generated inside the timed loop, as in the baseline, so the difference is the scorer alone.
  const loop = (count: number, seed: number, score: Scorer) => {
    const rnd = mulberry32(seed);
    let acc = 0;
    const t = performance.now();
    for (let i = 0; i < count; i++) {
      const values: Record<string, RecordedValue> = {};
      for (const target of targets) {
        const goal = goalOf(target.measure) ?? target.points;
        values[target.id] = { value: round2(goal * rnd() * 1.3), source: rnd() < 0.8 ? 'verified' : 'reported' };
      }
      if (score) acc += score(plan, values).total;
      else for (const k in values) acc += values[k].value;
    }
    return { ms: performance.now() - t, acc };
  };
  // Warm-up (JIT) of all three loops; the totals of the two scorers must agree.
  if (loop(1000, 1, scorePlan).acc !== loop(1000, 1, v1.scorePlan).acc) throw new Error('scoring: the new and the old scorer disagree on the totals');
  loop(1000, 1, undefined);
  const real: number[] = [];
  const base: number[] = [];
  const old: number[] = [];
  for (let r = 0; r < CONFIG.runs; r++) {
    base.push(loop(n, 42 + r, undefined).ms);
    real.push(loop(n, 42 + r, scorePlan).ms);
    old.push(loop(n, 42 + r, v1.scorePlan).ms);
  }
  const us = (xs: number[]) => (median(xs) * 1000) / n;
  results.scoring = {
    plans: n,
    targetsPerPlan: targets.length,
    runs: CONFIG.runs,
    scoringLoopMs: real.map((x) => round(x, 1)),
    baselineLoopMs: base.map((x) => round(x, 1)),
    beforeRoundTwoLoopMs: old.map((x) => round(x, 1)),
    perPlanUs: round(us(real), 2),
    baselinePerPlanUs: round(us(base), 2),
    beforeRoundTwoPerPlanUs: round(us(old), 2),
    scorePlanAloneUs: round(us(real) - us(base), 2),
    ratio: ratio(us(real), us(base)),
    ratioToBeforeRoundTwo: ratio(us(real), us(old)),
  };
  const s = '3 scoring';
  row(s, `scorePlan per plan (${n} plans, ${targets.length} targets, median of ${CONFIG.runs})`, `${fmt(us(real), 2)} µs`, `${fmt(us(base), 2)} µs`, us(real) / us(base), 'baseline: value generation + trivial sum');
  row(s, `${n} year-end appraisals (value generation included)`, `${fmt(median(real), 0)} ms`, `${fmt(median(base), 0)} ms`, median(real) / median(base), 'baseline: the same loop generating the values only');
  const alone = median(real) - median(base);
  row(s, `${n} year-end appraisals, scoring alone (loop minus value generation)`, `${fmt(alone, 0)} ms (${fmt((alone * 1000) / n, 1)} µs each)`, '200 ms', alone / 200, 'baseline here: the goal (15 µs each)');
  row(s, '  the same with the scorer before round two (test/fixtures/scoringV1.ts)', `${fmt(median(real), 0)} ms`, `${fmt(median(old), 0)} ms`, median(real) / median(old), 'baseline here: the old scorer on the same values (after/before)');
}
