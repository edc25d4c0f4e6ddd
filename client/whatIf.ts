/**
 * `cycle simulate --from UNIT`: the rest of a running cycle's year, on a copy,
 * on a private time-skipping server with a private mail sink and worker. The
 * live cycle is only read (its state and plan queries); nothing is sent to it.
 */
import type { CycleSnapshot } from '../app/actions/whatIf';
import type { ProjectionSummary } from '../domain/projection';
import type { Appraisal } from '../domain/scoring';
import { cycleProjection } from '../domain/warnings';
import { withPrivateSimulation } from './privateSimulation';
import { mailLog, runSimulation, type Scenario, type SimulationMail } from './simulate';

export interface WhatIfResult {
  from: { workflowId: string; planNow: string; projection: ProjectionSummary };
  scenario: string;
  appraisal: Appraisal;
  warnings: SimulationMail[];
  mail: number;
}

export async function whatIf(snapshot: CycleSnapshot, scenario: Scenario, onMonth?: (m: number, of: number) => void, bundleDir?: string): Promise<WhatIfResult> {
  const { plan, state: live } = snapshot;
  const from = { workflowId: live.workflowId, planNow: new Date(snapshot.planNow).toISOString(), projection: cycleProjection(plan, live, snapshot.planNow) };
  return withPrivateSimulation({ name: 'what-if', mailFrom: 'what-if@simulation.local', bundleDir }, async ({ env, sink, taskQueue }) => {
    const workflowId = `${live.workflowId}-what-if`;
    // The copy's plan clock carries on from the live one's, on the private server's own clock.
    const state = { ...structuredClone(live), workflowId, clockOffsetMs: snapshot.planNow - (await env.currentTimeMs()) };
    const { result } = await runSimulation({ env, taskQueue, plan, scenario, state, workflowId, onMonth });
    const mail = mailLog(sink.messages, workflowId);
    return { from, scenario: scenario.name, appraisal: result.appraisal, warnings: mail.filter((m) => m.kind === 'warning'), mail: mail.length };
  });
}
