/**
 * The worker's memory settings that are not WorkerOptions: V8's heap growth between collections.
 *
 * A worker's heaps grow with every cached cycle and with the month-end's garbage (each cycle's dispatch at the same
 * instant). Left to itself V8 lets a heap grow to between about 1.1 and 4 times what it kept after its last full
 * collection before collecting again, choosing by how fast it collects; a fixed, smaller growth trades CPU for
 * memory. At 2,000 cycles with the cache capped at 500, the peak RSS and the dispatch time against an uncapped worker
 * were: V8's own 817-824 MiB, 1.11-1.24x; 150 % 719 MiB, 1.32x; 75 % 608 MiB, 1.33x; 50 % 569 MiB, 1.31x; 30 %
 * 544 MiB, 1.18-1.41x (docs/performance.md, round seven). So the product leaves it to V8 (0) and offers it as
 * WORKER_HEAP_GROWING_PERCENT where memory is shorter than CPU.
 *
 * The setting is V8's `--heap-growing-percent`, set for the whole process before the worker starts its workflow
 * thread: V8's flags are the process's, and V8 reads this one whenever it sizes a heap's next limit, so it holds for
 * the main thread too (under `npm start` that is the web door's thread as well).
 */
import { setFlagsFromString } from 'node:v8';

/**
 * Sets V8's heap growth for this process. Call before Worker.create. 0 or undefined sets nothing: the process keeps
 * V8's own growth, unless its command line set `--heap-growing-percent` (as the bench's heap variants do).
 */
export function applyHeapGrowingPercent(percent: number | undefined): void {
  if (!percent) return;
  if (!Number.isInteger(percent) || percent < 1 || percent > 200) throw new RangeError(`heap growing percent must be a whole number from 1 to 200, not ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
