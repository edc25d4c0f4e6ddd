/**
 * The cycle's rules as pure functions, without a server: what a turn of the
 * state machine sends, and what each update does to the state.
 */
import { monthTimetable } from '../../domain/calendar';
import { advance, initialState, type CycleState } from '../../domain/cycle';
import { nextEffects } from '../../domain/effects';
import { LIMITS } from '../../domain/actions';
import { Rejection } from '../../domain/refusals';
import { applyUpdate, UPDATE_RULES, validateUpdate } from '../../domain/updates';
import { cycleView } from '../../domain/view';
import { SEED_PLAN_PATH } from '../../infra/paths';
import { loadPlan } from '../../client/planLoader';

const plan = loadPlan(SEED_PLAN_PATH);
const tt = (m: number) => monthTimetable(plan, m);
const hto = { personId: 'hto-contact', via: 'api' as const };
const leader = { personId: plan.assessmentGroup.approvers[0], via: 'api' as const };

function yearFromJanuary(): CycleState {
  const s = initialState(plan, 'cycle-test', tt(1).dispatchAt - 1000, 0, 2);
  advance(plan, s, tt(1).dispatchAt);
  return s;
}

const submit = (s: CycleState, over: Record<string, unknown>, now: number) =>
  applyUpdate(UPDATE_RULES.submitReport, plan, s, { actor: hto, officeId: 'hi-tech-office', period: `${plan.year}-01`, values: [], ...over }, now);

describe('a report and its revisions', () => {
  test('merge keeps earlier values, evidence and narrative; replace sends exactly the new report', () => {
    const s = yearFromJanuary();
    const at = tt(1).dispatchAt + 1000;
    submit(s, { values: [{ targetId: 't1-1', value: 3 }], narrative: 'first', mode: 'merge' }, at);
    submit(s, { values: [{ targetId: 't1-2', value: 5 }], mode: 'merge' }, at + 1);
    const op = s.periods[`${plan.year}-01`].offices['hi-tech-office'];
    expect(op.report).toMatchObject({ revision: 2, values: { 't1-1': 3, 't1-2': 5 }, narrative: 'first' });
    submit(s, { values: [{ targetId: 't1-2', value: 6 }], mode: 'replace' }, at + 2);
    expect(op.report?.values).toEqual({ 't1-2': 6 });
    expect(op.previous.map((r) => r.revision)).toEqual([1, 2]);
  });

  test('an identical resubmission is never a revision, and the limit says who can reopen', () => {
    const s = yearFromJanuary();
    const at = tt(1).dispatchAt + 1000;
    for (let i = 0; i < LIMITS.revisionsPerRound; i++) submit(s, { values: [{ targetId: 't1-1', value: i }] }, at + i);
    expect(submit(s, { values: [{ targetId: 't1-1', value: LIMITS.revisionsPerRound - 1 }] }, at + 99).outcome).toBe('unchanged');
    expect(() => submit(s, { values: [{ targetId: 't1-1', value: 999 }] }, at + 100)).toThrow(/TOO_MANY_REVISIONS.*report further progress in the next period/);
  });
});

describe('acknowledgement and instructions', () => {
  test('an acknowledgement is recorded once; another office cannot acknowledge', () => {
    const s = yearFromJanuary();
    const ack = { actor: hto, officeId: 'hi-tech-office', period: `${plan.year}-01` };
    expect(applyUpdate(UPDATE_RULES.acknowledge, plan, s, ack, 10)).toMatchObject({ first: true });
    expect(applyUpdate(UPDATE_RULES.acknowledge, plan, s, ack, 20)).toMatchObject({ first: false, acknowledgedAt: 10 });
    expect(s.audit.filter((a) => a.action === 'acknowledge')).toHaveLength(1);
    expect(() => validateUpdate(UPDATE_RULES.acknowledge, plan, s, { ...ack, actor: { personId: 'pln-contact', via: 'api' } })).toThrow(Rejection);
  });

  test('only the leader or an approver leaves an instruction, on a target of that office', () => {
    const s = yearFromJanuary();
    expect(applyUpdate(UPDATE_RULES.instruct, plan, s, { actor: leader, officeId: 'hi-tech-office', targetId: 't1-1', text: '抓紧 hurry' }, 5)).toEqual({ seq: 1 });
    expect(() => validateUpdate(UPDATE_RULES.instruct, plan, s, { actor: hto, officeId: 'hi-tech-office', text: 'x' })).toThrow(/NOT_AUTHORISED/);
    expect(() => validateUpdate(UPDATE_RULES.instruct, plan, s, { actor: leader, officeId: 'hi-tech-office', targetId: 't3-1', text: 'x' })).toThrow(/UNKNOWN_TARGET/);
  });
});

describe('rules v2', () => {
  test('the half-year review goes out with the Q2 check summary, after it, in the same turn', () => {
    const s = initialState(plan, 'cycle-test', tt(1).dispatchAt - 1000, 0, 2);
    const closeAt = tt(6).checkAutoCloseAt!;
    advance(plan, s, tt(6).deadlineAt);
    const kinds = advance(plan, s, closeAt).map((i) => i.kind);
    expect(kinds.indexOf('quarterlySummary')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('review')).toBeGreaterThan(kinds.indexOf('quarterlySummary'));
    expect(s.review.sentAt).toBe(closeAt);
  });

  test('a unit adopting in November is asked for a catch-up, nothing is overdue, and earlier periods are not failures', () => {
    const s = initialState(plan, 'cycle-test', tt(11).dispatchAt - 1000, 0, 2);
    const effects = nextEffects(plan, s, tt(11).dispatchAt);
    expect(effects[0]).toMatchObject({ type: 'mail' });
    const p = s.periods[`${plan.year}-11`];
    expect(Object.values(p.offices).every((o) => o.overdueTargets.length === 0)).toBe(true);
    const v = cycleView(plan, s, tt(11).dispatchAt + 1000);
    expect(v.adoption?.periodsBefore).toHaveLength(10);
    expect(v.projectedScore.reportedTargets).toBe(0);
    expect(v.halfYearReview.skipped).toBe(true); // said in status, not silently

  });
});
