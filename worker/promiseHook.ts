/**
 * The SDK's workflow promise hook, paused for a private simulation.
 *
 * At its first Worker.create in a thread the SDK installs, for that whole thread, a V8 promise hook that records where
 * each workflow promise was made (what the `__stack_trace` query shows: what a workflow is waiting on). It runs for
 * every promise of the thread, the workflow's or not: it compiles a `Function` to find the promise's workflow and, in a
 * workflow, captures and source-maps a stack. On a workflow thread that cost is the workflows' alone. A private
 * simulation runs its cycle on the main thread (debug mode), where it is paid for every promise of the client, the
 * worker, the store and the mail too: about 0.3 s of `cycle simulate`'s 2.5 s (medians of six alternating runs, 2.54
 * → 2.24 s). Nobody can query a simulation's cycle (its server is private and gone when it ends), so the simulation
 * pauses the hook for its run; its workflows then answer `__stack_trace` with "not enabled", as the SDK does on
 * runtimes without promise hooks. Errors keep their source-mapped stacks (the SDK's `Error.prepareStackTrace` is kept).
 *
 * This uses the SDK's exported `globalHandlers` (its public members only); the version is pinned in package.json, and
 * test/worker/promiseHook.test.ts fails if an upgrade changes what this relies on. The hook is the thread's, not one
 * worker's: a caller must be the only worker running workflows on this thread meanwhile (`cycle simulate` and its
 * what-if each run one, in a process of their own). Two at once would each stop and restart it for the other.
 */
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';

/**
 * Stops the promise hook the SDK installed in this thread, keeping its source-mapped `Error.prepareStackTrace`;
 * workflows created from now on are told stack traces are off. Call it after Worker.create (which installs the hook)
 * and before the first workflow. Returns what puts the hook back; a no-op if the hook is not installed.
 */
export function pauseWorkflowPromiseHook(): () => void {
  if (!globalHandlers.installed || !globalHandlers.promiseHookInstalled) return () => undefined;
  const sourceMapped = Error.prepareStackTrace;
  globalHandlers.uninstall();
  Error.prepareStackTrace = sourceMapped;
  globalHandlers.promiseHookInstalled = false;
  // install() is idempotent: if a worker created meanwhile put the hook back, this changes nothing.
  return () => globalHandlers.install();
}
