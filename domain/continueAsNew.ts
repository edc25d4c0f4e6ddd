/**
 * When a cycle's run hands over to the next one (continue-as-new). Each run covers about a month so
 * that no history grows large. Every cycle of a plan dispatches at the same instant, and two things
 * are costly then: starting runs, and replaying long runs of cycles the worker no longer holds in
 * its cache. So a run hands over before the next dispatch, off-peak, at its own moment: between
 * `beforeMinutes` and `beforeMinutes + spreadMinutes` before it, fixed by the workflow id. The
 * dispatch then happens in a run a few events long, cheap to replay. Nothing is due at the
 * hand-over; a person's action in between is handled by whichever run is current. The run that does
 * December's dispatch carries the appraisal (there is no next dispatch). Pure: workflow code calls it.
 */
export interface ContinueAsNewTiming {
  /** Minutes before the next dispatch when the last cycle hands over (default 60). */
  beforeMinutes: number;
  /** Minutes over which the cycles' hand-overs are spread, before that (default 600: 22:00-08:00 for a 09:00 dispatch). */
  spreadMinutes: number;
}

export const CONTINUE_AS_NEW_TIMING: ContinueAsNewTiming = { beforeMinutes: 60, spreadMinutes: 600 };

/** FNV-1a over the id's UTF-16 units: a stable, well-spread number for the same id on every replay. */
function stableHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The instant a run hands over ahead of the dispatch at `nextDispatchAt`; never before `earliest`. */
export function continueAsNewAt(workflowId: string, nextDispatchAt: number, earliest: number, timing: ContinueAsNewTiming = CONTINUE_AS_NEW_TIMING): number {
  const spreadSeconds = Math.max(0, Math.round(timing.spreadMinutes * 60));
  const offsetSeconds = spreadSeconds > 0 ? stableHash(workflowId) % spreadSeconds : 0;
  return Math.max(earliest, nextDispatchAt - Math.max(0, timing.beforeMinutes) * 60_000 - offsetSeconds * 1000);
}
