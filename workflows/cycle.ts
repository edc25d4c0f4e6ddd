/**
 * The supervision cycle (seed, section 三): one workflow per unit-plan-year.
 * Each turn it asks the domain what is due now (month-end dispatch, chasing,
 * quarterly check, half-year review, year-end appraisal), performs those
 * effects through activities, and sleeps until the next instant or a
 * person's action. It continues-as-new with compact JSON state so no run's
 * history grows large. Every rule lives in domain/.
 */
import { allHandlersFinished, condition, continueAsNew, log, patched, workflowInfo } from '@temporalio/workflow';
import { CONTINUE_AS_NEW_TIMING, continueAsNewAt, type ContinueAsNewTiming } from '../domain/continueAsNew';
import { monthTimetable } from '../domain/calendar';
import { initialState, isFinished, nextWakeAt, type CycleState } from '../domain/cycle';
import { nextEffects } from '../domain/effects';
import type { Plan } from '../domain/plan';
import { planProblems } from '../domain/planRules';
import type { Appraisal } from '../domain/scoring';
import { ApplicationFailure } from '@temporalio/workflow';
import { perform } from './delivery';
import { stickyPatched } from './patches';
import { registerHandlers } from './registerHandlers';
import { searchAttributePublisher } from './searchAttributes';

export interface CycleOptions {
  /** Run the plan's year from this instant on the plan clock (simulations of a past or future year). */
  simulatedStart?: string;
  /** Continue-as-new once a run's history passes this many events (test hook: set it low). */
  maxHistoryEvents?: number;
  /** Continue-as-new once a month (default true): before the next month's dispatch, see continueAsNewTiming. */
  continueAsNewEachMonth?: boolean;
  /** Upsert the Cycle* search attributes (the dev server registers them; the time-skipping server does not). */
  searchAttributes?: boolean;
  /** How long before the next dispatch the monthly hand-over happens (domain/continueAsNew.ts); runs from before the patch hand over right after their dispatch. */
  continueAsNewTiming?: ContinueAsNewTiming;
}

export interface CycleInput {
  plan: Plan;
  /** Carried across continue-as-new; absent on the first run. */
  state?: CycleState;
  options?: CycleOptions;
}

export interface CycleResult {
  workflowId: string;
  appraisal: Appraisal;
  reportFiles: string[];
}

function firstState(plan: Plan, simulatedStart: string | undefined): CycleState {
  // A plan that did not come through the plan loader is checked here too: a bad one fails the start, clearly.
  const problems = planProblems(plan);
  if (problems) throw ApplicationFailure.create({ type: 'InvalidPlan', nonRetryable: true, message: `the plan is invalid: ${problems}` });
  const offset = simulatedStart ? Date.parse(simulatedStart) - Date.now() : 0;
  // Rules v2: the review follows the Q2 check's close; a cycle adopted mid-year starts with a catch-up request.
  // Rules v3 adds early warnings; cycles started before it keep their rule set for the whole year.
  const rules = patched('rules-v2') ? (patched('rules-v3') ? 3 : 2) : 1;
  return initialState(plan, workflowInfo().workflowId, Date.now() + offset, offset, rules);
}

/**
 * When this run hands over to the next (plan clock) once it has done a month's dispatch; undefined before.
 * Off-peak (domain/continueAsNew.ts): ahead of the next dispatch. Cycles that took their run before the
 * 'off-peak-continue-as-new' patch hand over right after the dispatch.
 */
function monthlyHandOver(plan: Plan, state: CycleState, planNow: () => number, eachMonth: boolean, timing = CONTINUE_AS_NEW_TIMING) {
  const runStartMonth = state.nextMonth;
  const offPeak = stickyPatched(state, 'off-peak-continue-as-new');
  let doneAt: number | undefined;
  let target = 0;
  return (): number | undefined => {
    if (!eachMonth || state.nextMonth <= runStartMonth || state.phase !== 'running') return undefined;
    if (doneAt === undefined) [doneAt, target] = [planNow(), state.nextMonth];
    if (!offPeak) return doneAt;
    // The dispatch it was to hand over before already happened here (the night's timer fired late, after an
    // outage): hand over now rather than carry this run through another month.
    if (state.nextMonth > target) return doneAt;
    if (target > 12) return undefined;
    return continueAsNewAt(state.workflowId, monthTimetable(plan, target).dispatchAt, doneAt, timing);
  };
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

export async function supervisionCycle(input: CycleInput): Promise<CycleResult> {
  const { plan } = input;
  const options = { maxHistoryEvents: 5000, continueAsNewEachMonth: true, searchAttributes: false, ...input.options };
  const state = input.state ?? firstState(plan, options.simulatedStart);
  // A cycle takes its patches in the first task of a run (a new cycle's start, or the off-peak hand-over), not
  // at its next dispatch (the month-end peak): each marker comes with a search-attribute write on the server.
  // Replays of cycles that took one later (at a batch, on older code) see it there.
  if (!input.state) stickyPatched(state, 'batched-mail-delivery');
  if (state.patches?.includes('batched-mail-delivery')) stickyPatched(state, 'local-mail-delivery');
  const planNow = () => Date.now() + state.clockOffsetMs;
  let dirty = false;
  registerHandlers(plan, state, planNow, () => (dirty = true));
  const publish = searchAttributePublisher(plan, state, planNow, options.searchAttributes);
  const handOverAt = monthlyHandOver(plan, state, planNow, options.continueAsNewEachMonth, options.continueAsNewTiming);
  const shouldContinueAsNew = () => {
    const at = handOverAt();
    return workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > options.maxHistoryEvents || (at !== undefined && at <= planNow());
  };

  for (;;) {
    dirty = false;
    const effects = nextEffects(plan, state, planNow());
    for (const effect of effects) await perform(plan, state, effect, planNow);
    if (effects.some((e) => e.type === 'writeReport')) continue;
    if (isFinished(state)) break;
    publish();
    if (shouldContinueAsNew() && !dirty) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof supervisionCycle>({ plan, state, options: input.options });
    }
    if (dirty) continue;
    const wake = earliest(nextWakeAt(plan, state), handOverAt());
    const ms = wake === undefined ? undefined : wake - planNow();
    if (ms === undefined) await condition(() => dirty);
    else if (ms > 0) await condition(() => dirty, ms);
    else if (!effects.length) {
      // Something is due that the domain did not take: never spin; look again in a minute.
      log.warn('cycle: an event is due but produced nothing; retrying in a minute', { wake, now: planNow() });
      await condition(() => dirty, 60_000);
    }
  }
  publish();
  await condition(allHandlersFinished);
  return { workflowId: state.workflowId, appraisal: state.appraisal!.result!, reportFiles: state.appraisal!.reportFiles ?? [] };
}
