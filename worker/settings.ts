/**
 * Worker settings from the environment, read in one place (to move into infra/config.ts with the
 * rest of the configuration). Fails fast with a message that names the variable.
 */

/**
 * Workflows kept in the worker's sticky cache. The SDK's default (about half the memory) lets RSS
 * grow with every cycle: 1.3 GiB at 500 cycles. A bounded cache keeps it flat; an evicted cycle is
 * replayed from its (short, continue-as-new) history on its next task. See bench/README.md for the
 * measurements behind the default.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 250;

export interface WorkerSettings {
  maxCachedWorkflows: number;
  /** Use the on-disk workflow bundle cache (worker/bundle.ts); WORKFLOW_BUNDLE_CACHE=0 turns it off. */
  bundleCache: boolean;
}

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const raw = env.WORKER_MAX_CACHED_WORKFLOWS?.trim();
  const maxCachedWorkflows = raw ? Number(raw) : DEFAULT_MAX_CACHED_WORKFLOWS;
  if (!Number.isInteger(maxCachedWorkflows) || maxCachedWorkflows < 0) {
    throw new Error(`WORKER_MAX_CACHED_WORKFLOWS must be a whole number of workflows, 0 or more (0 turns the cache off); got "${raw}"`);
  }
  const cache = env.WORKFLOW_BUNDLE_CACHE?.trim();
  if (cache !== undefined && cache !== '' && cache !== '0' && cache !== '1') {
    throw new Error(`WORKFLOW_BUNDLE_CACHE must be 1 (use the cached workflow bundle) or 0 (bundle at every start); got "${cache}"`);
  }
  return { maxCachedWorkflows, bundleCache: cache !== '0' };
}
