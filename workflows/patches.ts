/**
 * `patched()` remembered in the cycle's state. A patch marker (and the SDK's change-version search
 * attribute that goes with it) is written once per cycle, in the first run that takes the new code,
 * instead of in every monthly run: at the month-end dispatch those were two more commands for the
 * server in every cycle. Deterministic: a run's state comes from its input, and within a run the
 * call happens where `patched()` itself would be called.
 */
import { patched } from '@temporalio/workflow';
import type { CycleState } from '../domain/cycle';

export function stickyPatched(state: CycleState, patchId: string): boolean {
  if (state.patches?.includes(patchId)) return true;
  if (!patched(patchId)) return false;
  (state.patches ??= []).push(patchId);
  return true;
}
