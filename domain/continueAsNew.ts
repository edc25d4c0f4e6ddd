/**
 * When a cycle's run hands over to the next one (continue-as-new). A run covers one month: after its
 * month-end dispatch it starts a fresh run with compact state, so no history grows large. Starting a
 * run costs the worker and the server more than any other workflow task, and every cycle of a plan
 * dispatches at the same instant, so the hand-over is moved off that peak: each cycle continues as
 * new at its own moment after the dispatch, `afterMinutes` plus a share of `spreadMinutes` fixed by
 * its workflow id. Nothing is due then (the first chase is days later); a person's action in between
 * is handled by the old run as usual. Pure: workflow code calls it.
 */
export interface ContinueAsNewTiming {
  /** Minutes after the dispatch before the first cycle hands over (default 5). */
  afterMinutes: number;
  /** Minutes over which the cycles' hand-overs are spread (default 60); 0 hands over right after the dispatch. */
  spreadMinutes: number;
}

export const CONTINUE_AS_NEW_TIMING: ContinueAsNewTiming = { afterMinutes: 5, spreadMinutes: 60 };

/** FNV-1a over the id's UTF-16 units: a stable, well-spread number for the same id on every replay. */
function stableHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The instant a run whose month was done at `doneAt` continues as new. */
export function continueAsNewAt(workflowId: string, doneAt: number, timing: ContinueAsNewTiming = CONTINUE_AS_NEW_TIMING): number {
  const spreadSeconds = Math.max(0, Math.round(timing.spreadMinutes * 60));
  const offsetSeconds = spreadSeconds > 0 ? stableHash(workflowId) % spreadSeconds : 0;
  return doneAt + Math.max(0, timing.afterMinutes) * 60_000 + offsetSeconds * 1000;
}
