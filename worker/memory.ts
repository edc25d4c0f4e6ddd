/**
 * The worker's memory settings that are not WorkerOptions: V8's heap growth between collections, and the workflow
 * thread's heap limit.
 *
 * A worker's heaps grow with every cached cycle and with the month-end's garbage (each cycle's dispatch at the same
 * instant). Left to itself V8 lets a heap grow to between about 1.1 and 4 times what it kept after its last full
 * collection before collecting again, choosing by how fast it collects; a fixed, smaller growth trades CPU for
 * memory. At 2,000 cycles with the cache capped at 500, the peak RSS and the dispatch time against an uncapped worker
 * were, in round seven's single-order runs: V8's own 817-824 MiB, 1.11-1.24x; 150 % 719 MiB, 1.32x; 75 % 608 MiB,
 * 1.33x; 50 % 569 MiB, 1.31x; 30 % 544 MiB, 1.18-1.41x (docs/performance-history.md). So the product leaves it to V8 (0)
 * and offers it as WORKER_HEAP_GROWING_PERCENT where memory is shorter than CPU. What bounds the month-end by default
 * is the workflow thread's heap limit (applyWorkflowHeapLimit below), which lowers the ceiling of V8's own growth
 * instead of fixing it.
 *
 * The setting is V8's `--heap-growing-percent`, set for the whole process before the worker starts its workflow
 * thread: V8's flags are the process's, and V8 reads this one whenever it sizes a heap's next limit, so it holds for
 * the main thread too (under `npm start` that is the web door's thread as well).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** The workflow heap limits (MiB) the worker accepts; 0 is V8's own. The configuration and the bench check the same. */
export const WORKFLOW_HEAP_MIB_RANGE = { min: 256, max: 16384 } as const;

export function isWorkflowHeapMiB(mib: number): boolean {
  return mib === 0 || (Number.isInteger(mib) && mib >= WORKFLOW_HEAP_MIB_RANGE.min && mib <= WORKFLOW_HEAP_MIB_RANGE.max);
}

/**
 * Sets V8's heap growth for this process. Call before Worker.create. 0 or undefined sets nothing: the process keeps
 * V8's own growth, unless its command line set `--heap-growing-percent` (as the bench's heap variants do).
 */
export function applyHeapGrowingPercent(percent: number | undefined): void {
  if (!percent) return;
  if (!Number.isInteger(percent) || percent < 1 || percent > 200) throw new RangeError(`heap growing percent must be a whole number from 1 to 200, not ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * Lowers the old-space limit (MiB) of the V8 heaps created from now on: the worker's workflow thread, which
 * Worker.create starts, and where the cached cycles live. The main thread's heap was sized when the process started
 * and keeps its limit. 0 or undefined sets nothing, and so does a limit at or above the process's own (V8's default,
 * a quarter of the memory the host or container gives, or NODE_OPTIONS'): it is never raised. Says whether it set it.
 *
 * Besides the limit, V8 lets a heap grow between full collections by a factor it chooses up to a ceiling that
 * depends on the limit: 4 for limits of 2 GiB and more (V8's own here: a quarter of the memory, up to 4 GiB), between
 * 1.3 and 2 below (V8's heap-controller). At 2,000 cycles with the cache capped at 500, the worker's RSS peaked at
 * 826-865 MiB at the month-end with V8's own limit, and at 647-731 MiB with 1,536 MiB, for about a tenth more dispatch
 * time with the same cache (docs/performance-history.md, round eight).
 *
 * It is a limit: Node stops a thread that outgrows it (ERR_WORKER_OUT_OF_MEMORY), the SDK then fails the worker
 * ("Workflow Worker Thread exited prematurely"), and the worker's process exits to be restarted. So it goes up with the
 * cache, which the configuration checks (infra/config.ts).
 */
export function applyWorkflowHeapLimit(mib: number | undefined): boolean {
  if (!mib) return false;
  if (!isWorkflowHeapMiB(mib)) throw new RangeError(`the workflow heap limit must be a whole number of MiB from ${WORKFLOW_HEAP_MIB_RANGE.min} to ${WORKFLOW_HEAP_MIB_RANGE.max}, not ${mib}`);
  // Never raise it: on a host (or container) with little memory V8's own limit is below the setting, and an operator's
  // NODE_OPTIONS=--max-old-space-size below it is theirs to keep. The main thread's limit is the process's own.
  if (mib >= getHeapStatistics().heap_size_limit / 1048576) return false;
  setFlagsFromString(`--max-old-space-size=${mib}`);
  return true;
}
