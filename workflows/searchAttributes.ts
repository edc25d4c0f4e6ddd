/** Publishes the Cycle* search attributes `cycle list` and boards read, only when they change. */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { nextWakeAt, type CycleState } from '../domain/cycle';
import { SA_KEYS } from '../domain/names';
import type { Plan } from '../domain/plan';
import { lateOffices } from '../domain/view';

export function searchAttributePublisher(plan: Plan, state: CycleState, planNow: () => number, enabled: boolean): () => void {
  let last = '';
  return () => {
    if (!enabled) return;
    // Only what the attributes need: the full view also scores the plan twice.
    const late = lateOffices(plan, state, planNow());
    const next = nextWakeAt(plan, state);
    const key = JSON.stringify([state.phase, late, next]);
    if (key === last) return;
    last = key;
    upsertSearchAttributes([
      { key: SA_KEYS.unit, value: plan.unit.id },
      { key: SA_KEYS.year, value: plan.year },
      { key: SA_KEYS.phase, value: state.phase },
      { key: SA_KEYS.late, value: late },
      // null clears it: a finished cycle has no next event.
      { key: SA_KEYS.next, value: next === undefined ? null : new Date(next - state.clockOffsetMs) },
    ]);
  };
}
