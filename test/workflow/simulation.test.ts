/**
 * `cycle simulate` plays people as people would: a late office's year-end
 * report still arrives and is what the appraisal scores; the leader acts in
 * office hours on working days; lateness is reported per office and period;
 * nothing is left in the temp folder.
 */
import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import { loadPlan } from '../../client/planLoader';
import { simulateYear } from '../../client/simulateCommand';
import { calendarOf, isWorkingDay } from '../../domain/calendar';
import { stateQuery } from '../../workflows/messages';
import { epochToLocalDate } from '../../domain/time';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/temporal';

const plan = loadPlan(SEED_PLAN_PATH);

test('a late final report arrives and is scored; the leader keeps office hours; no temp folder is left', async () => {
  const before = readdirSync(os.tmpdir()).filter((f) => f.startsWith('cycle-simulate-')).length;
  const file = path.join(tempDir('simulation'), 'late-final.json');
  writeFileSync(file, JSON.stringify({ name: 'late-final', achievement: 0.5, periods: { 'rural-social': { '2013-final': { mode: 'late', lateDays: 3 } } }, returnFirst: [{ officeId: 'planning', period: '2013-Q2' }], finalize: 'auto' }));
  let audit: { at: number; actor: string; action: string }[] = [];
  const r = await simulateYear(plan, file, undefined, async (handle) => {
    audit = (await handle.query(stateQuery)).audit;
  });
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
