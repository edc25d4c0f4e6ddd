/** Operator actions: start a cycle, list cycles (Temporal visibility and the Cycle* search attributes). */
import { parseCycleWorkflowId, SA_KEYS } from '../../domain/names';
import type { Plan } from '../../domain/plan';
import { ensureSearchAttributes, startCycle as start, type StartOutcome } from '../../client/cycles';
import type { AppContext } from '../context';
import { toAppError } from '../errors';

export async function startCycle(ctx: AppContext, plan: Plan): Promise<StartOutcome> {
  try {
    const searchAttributes = await ensureSearchAttributes(ctx.client, ctx.namespace);
    return await start(ctx.client, plan, { taskQueue: ctx.taskQueue, searchAttributes });
  } catch (e) {
    throw toAppError(e);
  }
}

export interface CycleListing {
  workflowId: string;
  unit: string;
  year: number;
  status: string;
  phase: string;
  nextEvent: string;
  lateOffices: string[];
}

/** runningOnly: cycles still running; readable: running ones and finished ones whose report people still read. */
export async function listCycles(ctx: AppContext, opts: { runningOnly?: boolean; readable?: boolean } = {}): Promise<CycleListing[]> {
  const rows: CycleListing[] = [];
  const running = opts.runningOnly ? ` AND ExecutionStatus = 'Running'` : opts.readable ? ` AND (ExecutionStatus = 'Running' OR ExecutionStatus = 'Completed')` : '';
  try {
    for await (const w of ctx.client.workflow.list({ query: `WorkflowType = 'supervisionCycle' AND ExecutionStatus != 'ContinuedAsNew'${running}` })) {
      const ids = parseCycleWorkflowId(w.workflowId);
      const sa = w.typedSearchAttributes;
      const next = sa.get(SA_KEYS.next);
      rows.push({
        workflowId: w.workflowId,
        unit: String(sa.get(SA_KEYS.unit) ?? ids?.unitId ?? ''),
        year: Number(sa.get(SA_KEYS.year) ?? ids?.year ?? 0),
        status: w.status.name,
        phase: String(sa.get(SA_KEYS.phase) ?? ''),
        nextEvent: next ? next.toISOString() : '',
        lateOffices: sa.get(SA_KEYS.late) ?? [],
      });
    }
  } catch (e) {
    throw toAppError(e);
  }
  return rows;
}
