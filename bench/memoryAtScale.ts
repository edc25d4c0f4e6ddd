/**
 * 2b. memory: issue 15's goal at scale, in every full run. BENCH_MEMORY_N cycles (2,000) reach the month-end with the
 * product's worker (its cache and workflow heap limit: memory bounded) and with the worker unbounded (the SDK's cache
 * size, V8's own heaps: every cycle stays cached, so nothing replays at the dispatch).
 *
 * The runs alternate, unbounded first and last (U P U P U for BENCH_MEMORY_ROUNDS=2), on a dev server of their own
 * (bench/dispatch.ts), after a warm-up of 10 cycles. A later run finds a fuller server and the machine's speed drifts: an unbounded run took 12 % longer
 * run last than first in round eight, as much as the effect measured. So each product run is compared with the mean of
 * the unbounded runs on either side of it, and the goal is read from the means of all of them.
 */
import { CONFIG, left, log } from './config';
import { runDispatch } from './dispatchRun';
import { unboundedSpec, type DispatchContext, type DispatchResult } from './dispatchTypes';
import { checkContention, fmt, fmtRatio, results, row, warnings } from './report';
import { round } from './util';

const GOAL = { rssMiB: 800, ratio: 1.2 } as const;
const SECTION = '2b memory';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The alternation: unbounded, then a product run and an unbounded one per round. */
export function alternation(rounds: number): ('unbounded' | 'product')[] {
  return ['unbounded', ...Array.from({ length: rounds }, () => ['product', 'unbounded'] as const).flat()];
}

/** What the section is given: its runs took 119-127 s each at 2,000 cycles, and each needs 1.2x the last one's left. */
export function memorySectionMs(): number {
  return alternation(CONFIG.memoryRounds).length * Math.max(60_000, CONFIG.memoryN * 75);
}

/** Each product run against the mean of the unbounded runs either side of it (runs that failed are left out). */
export function bracketedRatios(runs: { kind: 'unbounded' | 'product'; r: DispatchResult }[]): number[] {
  const ms = (x: { r: DispatchResult }) => (x.r.ok ? x.r.dispatchMs! : NaN);
  const out: number[] = [];
  runs.forEach((x, i) => {
    if (x.kind !== 'product' || !x.r.ok) return;
    const sides = [runs[i - 1], runs[i + 1]].filter((y) => y?.kind === 'unbounded' && y.r.ok).map(ms);
    if (sides.length) out.push(ms(x) / mean(sides));
  });
  return out;
}

export async function memorySection(ctx: DispatchContext, largestScale?: DispatchResult) {
  const n = CONFIG.memoryN;
  checkContention('memory');
  const runs: { kind: 'unbounded' | 'product'; r: DispatchResult }[] = [];
  const plan = alternation(CONFIG.memoryRounds);
  for (const [i, kind] of plan.entries()) {
    const last = runs[runs.length - 1]?.r.experimentMs ?? 150_000;
    if (last * 1.2 > left()) {
      warnings.push(`memory: runs ${i + 1}-${plan.length} skipped to stay within the time budget (${fmt(left() / 1000, 0)} s left); raise BENCH_BUDGET_S`);
      break;
    }
    const k = runs.filter((x) => x.kind === kind).length + 1;
    const spec = kind === 'unbounded' ? unboundedSpec(n, `unbounded (${k})`) : { label: `product defaults (${k})`, mode: 'cycle' as const, n };
    runs.push({ kind, r: await runDispatch(ctx, spec) });
  }
  const ok = (kind: 'unbounded' | 'product') => runs.filter((x) => x.kind === kind && x.r.ok).map((x) => x.r);
  const [u, p] = [ok('unbounded'), ok('product')];
  for (const x of runs.filter((y) => !y.r.ok)) row(SECTION, `N=${n} ${x.r.label}`, 'FAILED', '', NaN, x.r.error);
  const bracketed = bracketedRatios(runs);
  const summary = {
    n,
    order: runs.map((x) => x.r.label),
    runs: runs.map((x) => x.r),
    bracketedRatios: bracketed.map((x) => round(x, 3)),
    ratioOfMeans: u.length && p.length ? round(mean(p.map((r) => r.dispatchMs!)) / mean(u.map((r) => r.dispatchMs!)), 3) : undefined,
    productPeakRssMiB: p.length ? Math.max(...p.map((r) => r.workerPeakRssMiB!)) : undefined,
    goal: GOAL,
  };
  results.memory = summary;
  if (!u.length || !p.length || !bracketed.length) {
    warnings.push(`memory: no product run with an unbounded run beside it at N=${n}: the goal was not measured`);
    return;
  }
  const met = (yes: boolean) => (yes ? 'met' : 'NOT met');
  const secs = (rs: DispatchResult[]) => rs.map((r) => fmt(r.dispatchMs! / 1000, 1)).join(', ');
  const ratio = summary.ratioOfMeans!;
  row(SECTION, `N=${n}: dispatch, product defaults against unbounded, alternated (s)`, `${fmt(mean(p.map((r) => r.dispatchMs!)) / 1000, 2)} s (${secs(p)})`, `${fmt(mean(u.map((r) => r.dispatchMs!)) / 1000, 2)} s (${secs(u)})`, ratio, `each product run against the unbounded runs either side: ${bracketed.map(fmtRatio).join(', ')}; goal ≤ ${GOAL.ratio}x: ${met(ratio <= GOAL.ratio)}`);
  const cpu = (rs: DispatchResult[]) => mean(rs.map((r) => r.cpuSecondsInWindow!.worker));
  row(SECTION, `N=${n}: worker CPU in the dispatch window (s)`, fmt(cpu(p), 1), fmt(cpu(u), 1), cpu(p) / cpu(u), 'what the replays of cycles evicted before the month-end cost the worker');
  const peak = summary.productPeakRssMiB!;
  row(SECTION, `N=${n}: worker peak RSS, product defaults / unbounded (MiB)`, p.map((r) => fmt(r.workerPeakRssMiB!, 0)).join(', '), u.map((r) => fmt(r.workerPeakRssMiB!, 0)).join(', '), peak / Math.max(...u.map((r) => r.workerPeakRssMiB!)), `the highest product peak against ${GOAL.rssMiB} MiB: ${met(peak <= GOAL.rssMiB)}`);
  if (largestScale?.ok) {
    row(SECTION, `growth with N: product peak RSS at N=${n} against N=${largestScale.n}`, `${fmt(peak, 0)} MiB`, `${fmt(largestScale.workerPeakRssMiB!, 0)} MiB`, peak / largestScale.workerPeakRssMiB!, `${fmt(n / largestScale.n, 1)}x the cycles`);
  }
  log(`  memory at N=${n}: ${fmtRatio(ratio)} the unbounded dispatch (bracketed ${bracketed.map(fmtRatio).join(', ')}), product peak ${fmt(peak, 0)} MiB`);
}
