/**
 * The early-warning rules through the cycle's own `advance`, without a server:
 * one warning per change, a recovery when it goes back, nothing under the
 * older rule sets.
 */
import { monthTimetable } from '../../domain/calendar';
import { advance, initialState, type CycleState } from '../../domain/cycle';
import { composeMail } from '../../domain/mail';
import { applyUpdate, UPDATE_RULES } from '../../domain/updates';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { loadPlan } from '../../client/planLoader';
import { cycleProjection } from '../../domain/warnings';

const plan = loadPlan(SEED_PLAN_PATH);
const tt = (m: number) => monthTimetable(plan, m);
const hto = { personId: 'hto-contact', via: 'api' as const };

function january(rules: 1 | 2 | 3): CycleState {
  const s = initialState(plan, 'cycle-warn', tt(1).dispatchAt - 1000, 0, rules);
  advance(plan, s, tt(1).dispatchAt);
  return s;
}
const report = (s: CycleState, values: Record<string, number>, now: number) =>
  applyUpdate(UPDATE_RULES.submitReport, plan, s, { actor: hto, officeId: 'hi-tech-office', period: `${plan.year}-01`, values: Object.entries(values).map(([targetId, value]) => ({ targetId, value })), mode: 'merge' }, now);

test('half the pace warns the office and the group once; catching up sends one recovery each', () => {
  const s = january(3);
  const t = tt(1).dispatchAt + 3_600_000;
  report(s, { 't1-1': 10 / 24, 't1-2': 20 / 24 }, t); // half of the January share of +10% and +20%
  const first = advance(plan, s, t);
  expect(first.map((i) => [i.kind, i.officeId, i.subjects, i.period])).toEqual([
    ['warning', 'hi-tech-office', ['t1-1', 't1-2'], `${plan.year}-01`],
    ['warning', 'group', ['unit'], `${plan.year}-01`],
  ]);
  expect(advance(plan, s, t + 1000)).toEqual([]); // evaluated again: nothing new

  const mail = composeMail(plan, s, first[0]);
  expect(mail.to).toEqual(['gaoxinban@kjj.yiyang.example']);
  expect(mail.cc).toContain('gaoxinban-head@kjj.yiyang.example');
  expect(mail.cc).toContain(plan.assessmentGroup.leader.email);
  expect(mail.subject).toContain('预警通知');
  // The numbers: expected by now 0.83 (10% x 1/12), reported 0.42 for January, projected 5 (+5% of +10%).
  expect(mail.text).toMatch(/t1-1 \| .* \| 10 \| 0\.83 \| 0\.42 \(\d{4}-01\) \| 5 \| 25 \/ 50 \| 红灯 red: 按当前进度年底无法完成 projected to miss/);
  expect(mail.text).toContain(`/cycles/${plan.unit.id}/${plan.year}/offices/hi-tech-office`);

  report(s, { 't1-1': 10 / 12, 't1-2': 20 / 12 }, t + 2000);
  const back = advance(plan, s, t + 2000);
  expect(back.map((i) => [i.kind, i.officeId, i.subjects, i.round])).toEqual([
    ['recovery', 'hi-tech-office', ['t1-1', 't1-2'], 0],
    ['recovery', 'group', ['unit'], 0],
  ]);
  expect(s.warned).toEqual({ red: [], sent: { 'hi-tech-office/warning': 1, 'hi-tech-office/recovery': 1, 'group/warning': 1, 'group/recovery': 1 } });

  // Falls back (t1-1 nothing, t1-2 on course: 50 of 100 points, unqualified): second warnings get their own round, so their own mail key.
  report(s, { 't1-1': 0 }, t + 3000);
  expect(advance(plan, s, t + 3000).map((i) => [i.kind, i.officeId, i.subjects, i.round])).toEqual([
    ['warning', 'hi-tech-office', ['t1-1'], 1],
    ['warning', 'group', ['unit'], 1],
  ]);
});

test('cycles under rules 1 and 2 send no warning and keep no warning state', () => {
  for (const rules of [1, 2] as const) {
    const s = january(rules);
    const t = tt(1).dispatchAt + 3_600_000;
    report(s, { 't1-1': 0 }, t);
    expect(advance(plan, s, t)).toEqual([]);
    expect(s.warned).toBeUndefined();
  }
});

test('the remembered projection is the one computed afresh, through reports, months and an overdue report', () => {
  const s = january(3);
  const fresh = (now: number) => cycleProjection(structuredClone(plan), s, now); // another plan object: never remembered
  const steps: [string, (now: number) => void][] = [
    ['after the dispatch', () => {}],
    ['a report', (now) => report(s, { 't1-1': 0.5 }, now)],
    ['the same value again', (now) => report(s, { 't1-1': 0.5 }, now)],
    ['a changed value', (now) => report(s, { 't1-1': 2 }, now)],
    ['past the deadline', () => {}],
    ['February', (now) => advance(plan, s, now)],
  ];
  const at = [tt(1).dispatchAt + 1000, tt(1).dispatchAt + 2000, tt(1).dispatchAt + 3000, tt(1).dispatchAt + 4000, tt(2).dispatchAt - 1000, tt(2).dispatchAt + 1000];
  let before = cycleProjection(plan, s, at[0]);
  steps.forEach(([label, change], i) => {
    change(at[i]);
    const now = cycleProjection(plan, s, at[i]);
    expect({ label, projection: now }).toEqual({ label, projection: fresh(at[i]) });
    if (label === 'past the deadline') expect(now.targets.some((t) => t.reasons.includes('overdue'))).toBe(true);
    if (label === 'the same value again') expect(now).toBe(before); // nothing it reads changed: the same summary
    if (label === 'a changed value' || label === 'February') expect(now).not.toBe(before);
    before = now;
  });
});

test('each thing the projection reads is in what it is remembered by: one change at a time', () => {
  const s = january(3);
  const t = tt(1).dispatchAt + 1000;
  report(s, { 't1-1': 0.5 }, t);
  const x = structuredClone(s);
  const steps: [string, () => void][] = [
    ['the appraisal has begun: all twelve months counted, nothing else', () => void (x.phase = 'appraisal')],
    ['adopted in December: windows that ended before were never asked about', () => void (x.adoption = { at: t, firstMonth: 12 })],
    ['the same value, reported for another month', () => void (x.progress['t1-1'] = { ...x.progress['t1-1'], period: `${plan.year}-06` })],
  ];
  let before = cycleProjection(plan, x, t);
  for (const [label, change] of steps) {
    change();
    const now = cycleProjection(plan, x, t);
    expect({ label, projection: now }).toEqual({ label, projection: cycleProjection(structuredClone(plan), x, t) });
    expect({ label, changed: now !== before }).toEqual({ label, changed: true }); // each step changes the projection itself
    before = now;
  }
});
