/** The board's grid: offices by months, one status per cell, from the cycle's state at the plan clock's now. Pure. */
import { periodOfMonth } from '../domain/calendar';
import type { CycleState } from '../domain/cycle';
import type { Plan } from '../domain/plan';

export type Cell = 'on-time' | 'filed' | 'late' | 'missing' | 'not-due' | 'before-adoption' | 'none';

export const CELL_LABEL: Record<Cell, [string, string]> = {
  'on-time': ['按时', 'on time'],
  filed: ['已报', 'filed'],
  late: ['迟报', 'late'],
  missing: ['缺报', 'missing'],
  'not-due': ['未到期', 'not yet due'],
  'before-adoption': ['启用前', 'before adoption'],
  none: ['—', 'nothing owed'],
};

export function cellOf(plan: Plan, state: CycleState, officeId: string, month: number, now: number): Cell {
  const p = state.periods[periodOfMonth(plan.year, month)];
  if (!p) return month >= state.nextMonth ? 'not-due' : state.adoption && month < state.adoption.firstMonth ? 'before-adoption' : 'none';
  const op = p.offices[officeId];
  if (!op) return 'none';
  // A returned report is owed again: it counts as not filed until the correction arrives.
  if (!op.report || op.status === 'returned') return now > op.deadlineAt ? 'missing' : 'not-due';
  if (op.report.submittedAt > op.deadlineAt) return 'late';
  return op.status === 'submitted' && p.kind === 'quarterly' ? 'filed' : 'on-time';
}

export function boardRows(plan: Plan, state: CycleState, now: number): { officeId: string; name: string; cells: Cell[] }[] {
  return plan.offices.map((o) => ({
    officeId: o.id,
    name: `${o.name.zh} ${o.name.en}`,
    cells: Array.from({ length: 12 }, (_, i) => cellOf(plan, state, o.id, i + 1, now)),
  }));
}

/** 签收: per open request (the latest period and any quarterly check still open), the offices that have not acknowledged it. */
export function unacknowledged(state: CycleState): { period: string; offices: string[] }[] {
  const periods = Object.values(state.periods);
  const latest = periods.reduce<(typeof periods)[number] | undefined>((a, p) => (!a || p.openedAt > a.openedAt ? p : a), undefined);
  const open = periods.filter((p) => p === latest || (p.check && p.check.closedAt === undefined));
  return open
    .map((p) => ({ period: p.period, offices: Object.values(p.offices).filter((o) => !o.acknowledged).map((o) => o.officeId) }))
    .filter((x) => x.offices.length);
}
