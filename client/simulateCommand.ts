/** `cycle simulate`: a whole year on a private time-skipping server, a private mail sink and a private worker. */
import type { Plan } from '../domain/plan';
import { withPrivateSimulation } from './privateSimulation';
import { historyByRun, loadScenario, mailLog, runSimulation, type SimulationResult } from './simulate';
import type { CycleState } from '../domain/cycle';
import type { WorkflowHandle } from '@temporalio/client';
import type { supervisionCycle } from '../workflows/cycle';

/** `inspect` sees the finished cycle's handle before the private server goes away (tests read its audit log). */
export async function simulateYear(
  plan: Plan,
  scenarioName: string,
  onMonth?: (m: number, of: number) => void,
  inspect?: (handle: WorkflowHandle<typeof supervisionCycle>) => Promise<void>,
  /** Where the cached workflow bundle lives (DATA_DIR/bundle): a simulation then starts without bundling. */
  bundleDir?: string,
): Promise<SimulationResult> {
  const scenario = loadScenario(scenarioName);
  return withPrivateSimulation({ name: 'simulate', mailFrom: 'assessment-group@simulation.local', bundleDir }, async ({ env, sink, taskQueue }) => {
    const { result, workflowId, handle, lastSeen } = await runSimulation({ env, taskQueue, plan, scenario, onMonth });
    const runs = await historyByRun(env.client, workflowId);
    await inspect?.(handle);
    return { workflowId, scenario: scenario.name, result, runs, totalEvents: runs.reduce((a, r) => a + r.events, 0), mail: mailLog(sink.messages, workflowId), lateness: latenessOf(lastSeen) };
  });
}

/** Days late per office and period (0: on time; null: never filed). */
export function latenessOf(state: CycleState): Record<string, Record<string, number | null>> {
  const out: Record<string, Record<string, number | null>> = {};
  for (const p of Object.values(state.periods)) {
    for (const op of Object.values(p.offices)) {
      (out[op.officeId] ??= {})[p.period] = !op.report ? null : op.lateByMs ? Math.round((op.lateByMs / 86_400_000) * 100) / 100 : 0;
    }
  }
  return out;
}
