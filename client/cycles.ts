/** Client-side operations on cycles, shared by `npm start` and the `cycle` command. */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { cycleWorkflowId, SA_KEYS, SEARCH_ATTRIBUTES } from '../domain/names';
import type { Plan } from '../domain/plan';
import { digestOf } from '../domain/digest';
import type { supervisionCycle } from '../workflows/cycle';

export type CycleHandle = WorkflowHandle<typeof supervisionCycle>;

const TYPE_ENUM: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Make sure the Cycle* search attributes exist (the dev server registers them
 * at start; a real cluster may need them added). False if they cannot be had:
 * cycles then run without them and `cycle list` falls back to workflow ids.
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<boolean> {
  try {
    const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
    const have = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !have.has(name));
    if (!missing.length) return true;
    await client.connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map(([n, t]) => [n, TYPE_ENUM[t]])) });
    return true;
  } catch {
    return false;
  }
}

export interface StartOutcome {
  workflowId: string;
  runId?: string;
  status: 'started' | 'already-running' | 'already-finished';
  /** The plan version the existing cycle runs, when it differs from the one offered. */
  runningPlanVersion?: string;
  /** The file offered differs from the plan the running cycle has, under the same version (a signed plan does not change). */
  differsFromRunning?: boolean;
}

/** Start the cycle for a plan's unit and year; starting it again changes nothing. */
export async function startCycle(client: Client, plan: Plan, opts: { taskQueue: string; searchAttributes: boolean }): Promise<StartOutcome> {
  const workflowId = cycleWorkflowId(plan.unit.id, plan.year);
  const handle = client.workflow.getHandle(workflowId);
  try {
    const d = await handle.describe();
    const running = (d.memo?.planVersion as string | undefined) ?? undefined;
    const runningPlanVersion = running !== undefined && running !== plan.planVersion ? running : undefined;
    const digest = d.memo?.planDigest as string | undefined;
    const differsFromRunning = !runningPlanVersion && digest !== undefined && digest !== planDigest(plan);
    return { workflowId, runId: d.runId, status: d.status.name === 'RUNNING' ? 'already-running' : 'already-finished', runningPlanVersion, differsFromRunning };
  } catch {
    // not found: start it
  }
  try {
    const started = await client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
      taskQueue: opts.taskQueue,
      workflowId,
      args: [{ plan, options: { searchAttributes: opts.searchAttributes } }],
      // One cycle per unit-plan-year, ever: a finished year is never restarted by accident.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: opts.searchAttributes
        ? [
            { key: SA_KEYS.unit, value: plan.unit.id },
            { key: SA_KEYS.year, value: plan.year },
            { key: SA_KEYS.phase, value: 'running' },
          ]
        : undefined,
      memo: { planVersion: plan.planVersion, unitName: plan.unit.name.en, planDigest: planDigest(plan) },
    });
    return { workflowId, runId: started.firstExecutionRunId, status: 'started' };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, status: 'already-running' };
    throw e;
  }
}

/** The plan's content, to tell a changed file under an unchanged version from the plan a cycle runs. */
export function planDigest(plan: Plan): string {
  return digestOf(plan);
}

export function cycleHandle(client: Client, unitId: string, year: number): CycleHandle {
  return client.workflow.getHandle<typeof supervisionCycle>(cycleWorkflowId(unitId, year));
}
