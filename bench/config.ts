/**
 * Settings of `npm run bench`, from the environment (documented in bench/README.md), and the clock
 * and log every section shares.
 */
import { isWorkflowHeapMiB } from '../worker/memory';

/** A whole number above zero from the environment, or the default; anything else stops the bench saying which. */
function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${raw}: give a whole number above zero (default ${fallback})`);
  return n;
}

export const SECTIONS = ['scoring', 'year', 'startup', 'dispatch', 'memory', 'profile', 'tuning', 'store', 'board', 'web'] as const;
export type Section = (typeof SECTIONS)[number];

export const CONFIG = {
  ns: (process.env.BENCH_N ?? '50,200,500')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0),
  runs: Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3),
  tuningN: Number(process.env.BENCH_TUNING_N ?? 200) || 200,
  /** The memory section: cycles per dispatch, and how many product runs alternate with unbounded ones (U P U P U for 2). */
  memoryN: positiveInteger('BENCH_MEMORY_N', 2000),
  memoryRounds: positiveInteger('BENCH_MEMORY_ROUNDS', 2),
  only: (process.env.BENCH_ONLY ?? SECTIONS.join(',')).split(',').map((s) => s.trim()) as Section[],
  tuningOnly: process.env.BENCH_TUNING_ONLY?.split(',').map((s) => s.trim()),
  /** Sticky-cache sizes for the tuning "cache" family; `sdk` is the SDK's own default (about 2,300 workflows here). */
  cacheSizes: (process.env.BENCH_CACHE_SIZES ?? 'sdk,50')
    .split(',')
    .map((s) => s.trim())
    .map((s) => (s === 'sdk' ? ('sdk' as const) : Number(s)))
    .filter((s) => s === 'sdk' || (Number.isInteger(s) && s >= 0)),
  /**
   * Worker memory variants for the tuning "heap" family, `V8_FLAGS:CACHE` each: V8 flags for the worker process (its
   * workflow threads inherit them), separated by spaces, with a sticky-cache size; a bare number is a heap limit in
   * MiB (`--max-old-space-size`); `FLAGS:` keeps the product's cache.
   */
  heapVariants: (process.env.BENCH_HEAP_VARIANTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [flags, cache] = s.split(':');
      const v8Flags = /^\d+$/.test(flags) ? [`--max-old-space-size=${flags}`] : flags.split(/\s+/).filter(Boolean);
      return { v8Flags, cache: cache ? Number(cache) : undefined };
    })
    .filter((v) => v.v8Flags.length && v.v8Flags.every((f) => /^--[a-z0-9-]+(=[\w.]+)?$/.test(f))),
  /** Workflow-thread heap limits (MiB, 256-16384) for the tuning "wfheap" family, with the product's cache; 0 is V8's own (none by default). */
  workflowHeaps: (process.env.BENCH_WORKFLOW_HEAPS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number)
    .filter(isWorkflowHeapMiB),
  /** Wall-time budget of this process; optional experiments are skipped when it would be exceeded. */
  budgetMs: (Number(process.env.BENCH_BUDGET_S ?? 1600) || 1600) * 1000,
  scoringPlans: Number(process.env.BENCH_SCORING_PLANS ?? 10_000) || 10_000,
  /** Lead time before the common dispatch instant: fixed part plus per cycle. */
  leadBaseMs: 5_000,
  leadPerCycleMs: 30,
  /** Starts are spread evenly, one every this many ms (well inside the lead). */
  startPaceMs: 20,
  /** Skip larger N once a cycle dispatch experiment took longer than this. */
  skipAfterMs: 180_000,
};

export const T_START = Date.now();
export const elapsed = () => Date.now() - T_START;
export const left = () => CONFIG.budgetMs - elapsed();
export const log = (s: string) => process.stdout.write(`[bench ${(elapsed() / 1000).toFixed(0).padStart(4)} s] ${s}\n`);
export const want = (s: Section) => CONFIG.only.includes(s);
