/**
 * `cycle simulate` plays people as people would: a late office's year-end
 * report still arrives and is what the appraisal scores; the leader acts in
 * office hours on working days; lateness is reported per office and period;
 * nothing is left in the temp folder. People due at the same instant act at
 * once, but one office's acts keep their order.
 */
import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import { loadPlan } from '../../client/planLoader';
import { latenessOf, simulateYear } from '../../client/simulateCommand';
import type { CycleState } from '../../domain/cycle';
import { addWorkingDays, calendarOf, isWorkingDay, monthTimetable } from '../../domain/calendar';
import { stateQuery } from '../../workflows/messages';
import { epochToLocalDate, localToEpoch } from '../../domain/time';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/temporal';
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';

const plan = loadPlan(SEED_PLAN_PATH);

test('a late final report arrives and is scored; the leader keeps office hours; no temp folder is left', async () => {
  const before = readdirSync(os.tmpdir()).filter((f) => f.startsWith('cycle-simulate-')).length;
  const file = path.join(tempDir('simulation'), 'late-final.json');
  writeFileSync(file, JSON.stringify({ name: 'late-final', achievement: 0.5, periods: { 'rural-social': { '2013-final': { mode: 'late', lateDays: 3 } } }, returnFirst: [{ officeId: 'planning', period: '2013-Q2' }], finalize: 'auto' }));
  let audit: { at: number; actor: string; action: string }[] = [];
  let hookDuringRun: boolean | undefined;
  let finalState: CycleState | undefined;
  const fullHistories: { runId: string; events: number }[] = [];
  const r = await simulateYear(plan, file, undefined, async (handle) => {
    finalState = await handle.query(stateQuery);
    audit = finalState.audit;
    hookDuringRun = globalHandlers.promiseHookInstalled;
    // Every run's whole history, to check the counts read from the closing events.
    for (let runId: string | undefined = (await handle.describe()).raw.workflowExecutionInfo?.firstRunId ?? undefined; runId; ) {
      const events = (await handle.client.getHandle(handle.workflowId, runId).fetchHistory()).events ?? [];
      fullHistories.push({ runId, events: events.length });
      runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
  });
  // The event counts and the lateness are what the whole histories and the closed cycle's own state say.
  expect(r.runs).toEqual(fullHistories);
  expect(r.runs.length).toBeGreaterThan(10);
  expect(r.lateness).toEqual(latenessOf(finalState!));
  // The SDK's promise hook is paused while the cycle runs on this thread (worker/promiseHook.ts) and back afterwards.
  expect({ hookDuringRun, hookAfter: globalHandlers.promiseHookInstalled }).toEqual({ hookDuringRun: false, hookAfter: true });
  // Filed 3 days late (null would mean it never arrived and its Q4 values were scored instead).
  expect(r.lateness?.['rural-social']?.['2013-final']).toBeGreaterThanOrEqual(3);
  expect(r.lateness?.['hi-tech-office']?.['2013-Q1']).toBe(0);
  expect(r.result.appraisal.targets.find((t) => t.targetId === 't2-3c')?.achieved).toBe(1);
  const cal = calendarOf(plan);
  const leaderActs = audit.filter((a) => a.actor === plan.assessmentGroup.approvers[0]);
  expect(leaderActs.length).toBeGreaterThan(4);
  for (const a of leaderActs) {
    const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: plan.timeZone }).format(new Date(a.at)));
    expect({ action: a.action, workingDay: isWorkingDay(cal, epochToLocalDate(a.at, plan.timeZone)), officeHours: hour >= 9 && hour < 17 }).toEqual({ action: a.action, workingDay: true, officeHours: true });
  }
  expect(readdirSync(os.tmpdir()).filter((f) => f.startsWith('cycle-simulate-')).length).toBe(before);
});

test("one office's late report and its next on-time report, due at the same 10:00, are filed in that order", async () => {
  // The driver's rule for a late act: office hours after the deadline plus the days late (10:00 on the next working
  // day, since deadlines fall after hours). Find the lateness that lands January's report on February's on-time 10:00.
  const cal = calendarOf(plan);
  const zone = plan.timeZone;
  const [jan, feb] = [monthTimetable(plan, 1, cal), monthTimetable(plan, 2, cal)];
  const onTimeFeb = localToEpoch(addWorkingDays(cal, feb.dispatchDate, 1), '10:00', zone);
  const nextOfficeMorning = (t: number) => localToEpoch(addWorkingDays(cal, epochToLocalDate(t, zone), 1), '10:00', zone);
  const lateDays = Array.from({ length: 60 }, (_, i) => i + 1).find((d) => nextOfficeMorning(jan.deadlineAt + d * 86_400_000) === onTimeFeb);
  expect(lateDays).toBeDefined();
  const file = path.join(tempDir('simulation'), 'same-instant.json');
  writeFileSync(file, JSON.stringify({ name: 'same-instant', periods: { planning: { [jan.period]: { mode: 'late', lateDays } } } }));
  let audit: { seq: number; at: number; action: string; subject: string }[] = [];
  await simulateYear(plan, file, undefined, async (handle) => {
    audit = (await handle.query(stateQuery)).audit;
  });
  const filed = (period: string) => audit.find((a) => a.action === 'submit' && a.subject === `${period}/planning`)!;
  const [late, next] = [filed(jan.period), filed(feb.period)];
  expect(Math.abs(late.at - next.at)).toBeLessThan(60_000); // the same instant of the plan clock
  expect(late.seq).toBeLessThan(next.seq); // and in the order the office filed them: the newer progress stands
});
