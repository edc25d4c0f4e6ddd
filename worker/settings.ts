/**
 * Worker settings from the environment, read in one place (to move into infra/config.ts with the
 * rest of the configuration). Fails fast with a message that names the variable.
 */

/**
 * Workflows kept in the worker's sticky cache: by default none is set and the SDK sizes the cache
 * from the heap limit (about 2,300 workflows with a 4 GiB heap). Every cycle wakes at the same
 * month-end instant, so a cache smaller than the number of cycles makes each evicted one replay at
 * exactly that moment. Measured at 500 cycles: a cap of 250 made the dispatch 1.28x slower for 0.97x
 * the peak RSS, a cap of 100 2.07x slower for 0.77x; at 200 cycles a cap of 100 was 2.9x slower.
 * Set a cap only where memory is short and a slower month-end is acceptable; the lever for memory is
 * a lighter workflow (bench/README-performance-section.md).
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS: number | undefined = undefined;

export interface WorkerSettings {
  /** undefined: the SDK's own default. */
  maxCachedWorkflows: number | undefined;
  /** Use the on-disk workflow bundle cache (worker/bundle.ts); WORKFLOW_BUNDLE_CACHE=0 turns it off. */
  bundleCache: boolean;
}

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const raw = env.WORKER_MAX_CACHED_WORKFLOWS?.trim();
  const maxCachedWorkflows = raw ? Number(raw) : DEFAULT_MAX_CACHED_WORKFLOWS;
  if (maxCachedWorkflows !== undefined && (!Number.isInteger(maxCachedWorkflows) || maxCachedWorkflows < 0)) {
    throw new Error(`WORKER_MAX_CACHED_WORKFLOWS must be a whole number of workflows, 0 or more (0 turns the cache off); got "${raw}"`);
  }
  const cache = env.WORKFLOW_BUNDLE_CACHE?.trim();
  if (cache !== undefined && cache !== '' && cache !== '0' && cache !== '1') {
    throw new Error(`WORKFLOW_BUNDLE_CACHE must be 1 (use the cached workflow bundle) or 0 (bundle at every start); got "${cache}"`);
  }
  return { maxCachedWorkflows, bundleCache: cache !== '0' };
}
