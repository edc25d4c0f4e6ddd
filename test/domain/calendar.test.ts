/**
 * The working-day calendar and the month timetable, with real dates.
 *
 * 2013 (the seed year), from the State Council's 2013 holiday notice:
 *   春节 2013-02-09 … 02-15 off; Sat 02-16 and Sun 02-17 are make-up working days.
 *   清明 2013-04-04 … 04-06 off; Sun 04-07 works.
 *   劳动节 2013-04-29 … 05-01 off; Sat 04-27 and Sun 04-28 work.
 *   国庆 2013-10-01 … 10-07 off; Sun 09-29 and Sat 10-12 work.
 * 2026, from chinese-days 1.5.7 (node_modules/chinese-days/dist/chinese-days.json):
 *   春节 2026-02-15 … 02-23 off; Sat 02-14 and Sat 02-28 work.
 *   国庆 2026-10-01 … 10-07 off; Sun 09-20 and Sat 10-10 work.
 */
import { loadPlan } from '../../client/planLoader';
import {
  addDays,
  addWorkingDays,
  calendarOf,
  dispatchDateOf,
  halfYearReviewLatestAt,
  isWorkingDay,
  lastWorkingDayOfMonth,
  monthTimetable,
  parsePeriod,
  periodOfMonth,
  weekday,
  workingDayOnOrBefore,
  workingDaysBetween,
  yearTimetable,
  type WorkCalendar,
} from '../../domain/calendar';
import type { Plan } from '../../domain/plan';
import { epochToLocalDate, formatLocal, localToEpoch } from '../../domain/time';
import { SEED_PLAN_PATH } from '../../infra/paths';

const plan2013 = loadPlan(SEED_PLAN_PATH);
const cal2013 = calendarOf(plan2013);
const plan2026 = loadPlan(SEED_PLAN_PATH, { year: 2026 });
const cal2026 = calendarOf(plan2026);

const ZONE = 'Asia/Shanghai';
/** The instant of a Beijing wall-clock time (UTC+8, no DST), computed without luxon. */
const bj = (y: number, m: number, d: number, hh: number, mm = 0) => Date.UTC(y, m - 1, d, hh - 8, mm);

function synthetic(holidays: string[] = [], workingDays: string[] = []): WorkCalendar {
  return { zone: ZONE, holidays: new Set(holidays), workingDays: new Set(workingDays) };
}

const range = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

describe('date helpers', () => {
  test('weekday of known dates', () => {
    expect(weekday('2013-01-01')).toBe(2); // Tuesday
    expect(weekday('2013-09-29')).toBe(0); // Sunday
    expect(weekday('2013-10-12')).toBe(6); // Saturday
    expect(weekday('2013-09-30')).toBe(1); // Monday
    expect(weekday('2026-02-28')).toBe(6); // Saturday
  });

  test('addDays crosses month, leap-day and year boundaries', () => {
    expect(addDays('2013-02-28', 1)).toBe('2013-03-01');
    expect(addDays('2012-02-28', 1)).toBe('2012-02-29');
    expect(addDays('2013-12-31', 1)).toBe('2014-01-01');
    expect(addDays('2013-01-01', -1)).toBe('2012-12-31');
  });
});

describe('2013: National Day (国庆)', () => {
  test('2013-10-01 … 10-07 are not working days', () => {
    for (const d of range('2013-10-01', '2013-10-07')) expect([d, isWorkingDay(cal2013, d)]).toEqual([d, false]);
  });

  test('Sunday 2013-09-29 and Saturday 2013-10-12 are make-up working days; the next day off is not', () => {
    expect(isWorkingDay(cal2013, '2013-09-29')).toBe(true);
    expect(isWorkingDay(cal2013, '2013-10-12')).toBe(true);
    expect(isWorkingDay(cal2013, '2013-10-13')).toBe(false); // an ordinary Sunday
    expect(isWorkingDay(cal2013, '2013-09-28')).toBe(false); // an ordinary Saturday
    expect(isWorkingDay(cal2013, '2013-09-30')).toBe(true);
    expect(isWorkingDay(cal2013, '2013-10-08')).toBe(true);
  });

  test('addWorkingDays jumps the week off, forwards and backwards', () => {
    expect(addWorkingDays(cal2013, '2013-09-30', 1)).toBe('2013-10-08');
    expect(addWorkingDays(cal2013, '2013-10-08', -1)).toBe('2013-09-30');
    expect(addWorkingDays(cal2013, '2013-09-27', 1)).toBe('2013-09-29'); // Friday → the make-up Sunday
    expect(addWorkingDays(cal2013, '2013-09-30', 5)).toBe('2013-10-12'); // the make-up Saturday is the 5th
    expect(addWorkingDays(cal2013, '2013-10-14', -2)).toBe('2013-10-11');
    expect(addWorkingDays(cal2013, '2013-10-08', -3)).toBe('2013-09-27');
  });

  test('n = 0 keeps a working day and moves a holiday to the next working day', () => {
    expect(addWorkingDays(cal2013, '2013-09-30', 0)).toBe('2013-09-30');
    expect(addWorkingDays(cal2013, '2013-10-03', 0)).toBe('2013-10-08');
    expect(addWorkingDays(cal2013, '2013-09-29', 0)).toBe('2013-09-29');
  });

  test('workingDaysBetween counts the make-up Saturday but not the holidays', () => {
    // 10-08, 09, 10, 11, 12 (Sat, make-up), 14.
    expect(workingDaysBetween(cal2013, '2013-09-30', '2013-10-14')).toBe(6);
    expect(workingDaysBetween(cal2013, '2013-09-30', '2013-10-07')).toBe(0);
  });
});

describe('2013: Spring Festival (春节)', () => {
  test('2013-02-09 … 02-15 are days off; Sat 02-16 and Sun 02-17 work', () => {
    for (const d of range('2013-02-09', '2013-02-15')) expect([d, isWorkingDay(cal2013, d)]).toEqual([d, false]);
    expect(isWorkingDay(cal2013, '2013-02-16')).toBe(true);
    expect(isWorkingDay(cal2013, '2013-02-17')).toBe(true);
    expect(isWorkingDay(cal2013, '2013-02-08')).toBe(true);
    expect(isWorkingDay(cal2013, '2013-02-18')).toBe(true);
  });

  test('addWorkingDays across the festival', () => {
    expect(addWorkingDays(cal2013, '2013-02-08', 1)).toBe('2013-02-16');
    expect(addWorkingDays(cal2013, '2013-02-08', 3)).toBe('2013-02-18');
    expect(addWorkingDays(cal2013, '2013-02-18', -1)).toBe('2013-02-17');
    expect(addWorkingDays(cal2013, '2013-02-18', -3)).toBe('2013-02-08');
    expect(addWorkingDays(cal2013, '2013-02-12', 0)).toBe('2013-02-16');
  });

  test('working days in February 2013: 20 weekdays − 5 weekday holidays + 2 make-up days = 17', () => {
    expect(workingDaysBetween(cal2013, '2013-01-31', '2013-02-28')).toBe(17);
  });
});

describe('2026 (seed plan re-yeared; calendar from chinese-days)', () => {
  test("the plan's resolved calendar holds 2026's National Day and Spring Festival", () => {
    const { holidays, workingDays } = plan2026.resolvedCalendar;
    expect(holidays).toEqual(expect.arrayContaining(range('2026-10-01', '2026-10-07')));
    expect(holidays).toEqual(expect.arrayContaining(range('2026-02-15', '2026-02-23')));
    expect(workingDays).toEqual(expect.arrayContaining(['2026-02-14', '2026-02-28', '2026-09-20', '2026-10-10']));
    expect(holidays).not.toContain('2026-02-14');
    expect(holidays).not.toContain('2026-10-08');
  });

  test('the resolved calendar is exactly the chinese-days lists for 2026 (and none for 2027, which it lacks)', () => {
    const data = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string>; workdays: Record<string, string> };
    const of = (m: Record<string, string>) => Object.keys(m).filter((d) => d.startsWith('2026-') || (d.startsWith('2027-') && d <= '2027-03-31')).sort();
    expect(plan2026.resolvedCalendar.holidays).toEqual(of(data.holidays));
    expect(plan2026.resolvedCalendar.workingDays).toEqual(of(data.workdays));
    expect(plan2026.resolvedCalendar.provenance).toContain('no data for 2027');
  });

  test('the 2013 calendar carries 2014 Q1 (for the appraisal) but nothing after March 2014', () => {
    const { holidays, workingDays } = plan2013.resolvedCalendar;
    expect(holidays).toEqual(expect.arrayContaining(['2014-01-01', ...range('2014-01-31', '2014-02-06')]));
    expect(workingDays).toEqual(expect.arrayContaining(['2014-01-26', '2014-02-08']));
    expect(holidays.filter((d) => d > '2014-03-31')).toEqual([]);
    expect(workingDays.filter((d) => d > '2014-03-31')).toEqual([]);
  });

  test('National Day 2026: days off and make-up days', () => {
    for (const d of range('2026-10-01', '2026-10-07')) expect([d, isWorkingDay(cal2026, d)]).toEqual([d, false]);
    expect(isWorkingDay(cal2026, '2026-09-20')).toBe(true); // Sunday
    expect(isWorkingDay(cal2026, '2026-10-10')).toBe(true); // Saturday
    expect(addWorkingDays(cal2026, '2026-09-30', 1)).toBe('2026-10-08');
    expect(addWorkingDays(cal2026, '2026-09-30', 3)).toBe('2026-10-10');
    expect(addWorkingDays(cal2026, '2026-10-08', -1)).toBe('2026-09-30');
  });

  test('Spring Festival 2026: nine days off, bracketed by two make-up Saturdays', () => {
    for (const d of range('2026-02-15', '2026-02-23')) expect([d, isWorkingDay(cal2026, d)]).toEqual([d, false]);
    expect(isWorkingDay(cal2026, '2026-02-14')).toBe(true);
    expect(isWorkingDay(cal2026, '2026-02-28')).toBe(true);
    expect(addWorkingDays(cal2026, '2026-02-13', 1)).toBe('2026-02-14');
    expect(addWorkingDays(cal2026, '2026-02-14', 1)).toBe('2026-02-24');
    expect(addWorkingDays(cal2026, '2026-02-24', -1)).toBe('2026-02-14');
  });

  test('the last working day of February 2026 is the make-up Saturday 02-28', () => {
    expect(lastWorkingDayOfMonth(cal2026, 2026, 2)).toBe('2026-02-28');
    expect(monthTimetable(plan2026, 2).dispatchAt).toBe(bj(2026, 2, 28, 9));
  });

  test('September 2026: dispatch Wed 09-30, deadline 5 working days later across National Day', () => {
    const t = monthTimetable(plan2026, 9);
    expect(t.dispatchDate).toBe('2026-09-30');
    // 10-08 (1), 10-09 (2), Sat 10-10 (3), 10-12 (4), 10-13 (5).
    expect(t.deadlineDate).toBe('2026-10-13');
    expect(t.deadlineAt).toBe(bj(2026, 10, 13, 18));
    expect(t.period).toBe('2026-Q3');
  });
});

describe('lastWorkingDayOfMonth', () => {
  test('2013 month ends', () => {
    const expected: Record<number, string> = {
      1: '2013-01-31', // Thursday
      2: '2013-02-28', // Thursday
      3: '2013-03-29', // 03-31 is a Sunday
      4: '2013-04-28', // 04-29/30 are Labour Day; Sunday 04-28 is a make-up working day
      5: '2013-05-31', // Friday
      6: '2013-06-28', // 06-30 is a Sunday
      7: '2013-07-31',
      8: '2013-08-30', // 08-31 is a Saturday
      9: '2013-09-30', // Monday
      10: '2013-10-31',
      11: '2013-11-29', // 11-30 is a Saturday
      12: '2013-12-31', // Tuesday
    };
    for (let m = 1; m <= 12; m++) expect([m, lastWorkingDayOfMonth(cal2013, 2013, m)]).toEqual([m, expected[m]]);
  });

  test('synthetic: a month whose last day is a weekday holiday', () => {
    // Friday 2013-05-31 declared a holiday → Thursday 05-30.
    expect(lastWorkingDayOfMonth(synthetic(['2013-05-31']), 2013, 5)).toBe('2013-05-30');
    expect(lastWorkingDayOfMonth(synthetic(['2013-05-30', '2013-05-31']), 2013, 5)).toBe('2013-05-29');
    // Without the holiday it is the Friday itself.
    expect(lastWorkingDayOfMonth(synthetic(), 2013, 5)).toBe('2013-05-31');
  });

  test('synthetic: a make-up Saturday at the month end is the last working day', () => {
    expect(lastWorkingDayOfMonth(synthetic(), 2013, 8)).toBe('2013-08-30');
    expect(lastWorkingDayOfMonth(synthetic([], ['2013-08-31']), 2013, 8)).toBe('2013-08-31');
  });

  test('synthetic: a holiday run over the month end plus the weekend before it', () => {
    // 2013-06-30 is Sunday; make 06-26 … 06-28 holidays → Tuesday 06-25.
    expect(lastWorkingDayOfMonth(synthetic(['2013-06-26', '2013-06-27', '2013-06-28']), 2013, 6)).toBe('2013-06-25');
  });

  test('February in a leap year', () => {
    // 2012-02-29 is a Wednesday.
    expect(lastWorkingDayOfMonth(synthetic(), 2012, 2)).toBe('2012-02-29');
  });

  test('workingDayOnOrBefore a holiday or weekend', () => {
    expect(workingDayOnOrBefore(cal2013, '2013-10-05')).toBe('2013-09-30');
    expect(workingDayOnOrBefore(cal2013, '2013-09-29')).toBe('2013-09-29');
    expect(workingDayOnOrBefore(cal2013, '2013-08-25')).toBe('2013-08-23');
  });
});

describe('monthTimetable (seed cadence: dispatch last working day 09:00; deadline +5 wd 18:00; reminder −1 wd, overdue +1 wd, escalation +3 wd at 09:00)', () => {
  test('March 2013 (Q1): dispatch Fri 03-29, deadline across 清明 on Mon 04-08', () => {
    const t = monthTimetable(plan2013, 3);
    expect(t.month).toBe(3);
    expect(t.kind).toBe('quarterly');
    expect(t.period).toBe('2013-Q1');
    expect(t.dispatchDate).toBe('2013-03-29');
    expect(t.dispatchAt).toBe(Date.UTC(2013, 2, 29, 1, 0));
    expect(formatLocal(t.dispatchAt, ZONE)).toBe('2013-03-29T09:00+08:00');
    // 04-01 (1), 04-02 (2), 04-03 (3), [04-04..06 清明], Sun 04-07 make-up (4), 04-08 (5).
    expect(t.deadlineDate).toBe('2013-04-08');
    expect(t.deadlineAt).toBe(bj(2013, 4, 8, 18));
    expect(t.reminderAt).toBe(bj(2013, 4, 7, 9)); // the make-up Sunday
    expect(t.overdueAt).toBe(bj(2013, 4, 9, 9));
    expect(t.escalationAt).toBe(bj(2013, 4, 11, 9));
    // The check closes itself 10 working days after the deadline: 04-09 … 04-22.
    expect(t.checkAutoCloseAt).toBe(bj(2013, 4, 22, 18));
  });

  test('January 2013 (monthly): escalation lands on the Spring Festival make-up Sunday', () => {
    const t = monthTimetable(plan2013, 1);
    expect(t.kind).toBe('monthly');
    expect(t.period).toBe('2013-01');
    expect(t.checkAutoCloseAt).toBeUndefined();
    expect(t.dispatchDate).toBe('2013-01-31');
    expect(t.dispatchAt).toBe(bj(2013, 1, 31, 9));
    // 02-01 (1), 02-04 (2), 02-05 (3), 02-06 (4), 02-07 (5).
    expect(t.deadlineDate).toBe('2013-02-07');
    expect(t.deadlineAt).toBe(bj(2013, 2, 7, 18));
    expect(t.reminderAt).toBe(bj(2013, 2, 6, 9));
    expect(t.overdueAt).toBe(bj(2013, 2, 8, 9));
    // 02-08 (1), [02-09..15 off], Sat 02-16 (2), Sun 02-17 (3).
    expect(t.escalationAt).toBe(bj(2013, 2, 17, 9));
  });

  test('April 2013: dispatch on the make-up Sunday 04-28, deadline after Labour Day', () => {
    const t = monthTimetable(plan2013, 4);
    expect(t.period).toBe('2013-04');
    expect(t.dispatchDate).toBe('2013-04-28');
    expect(t.dispatchAt).toBe(bj(2013, 4, 28, 9));
    // [04-29, 04-30, 05-01 off], 05-02 (1), 05-03 (2), 05-06 (3), 05-07 (4), 05-08 (5).
    expect(t.deadlineDate).toBe('2013-05-08');
    expect(t.reminderAt).toBe(bj(2013, 5, 7, 9));
    expect(t.overdueAt).toBe(bj(2013, 5, 9, 9));
    expect(t.escalationAt).toBe(bj(2013, 5, 13, 9));
  });

  test('September 2013 (Q3): deadline on the make-up Saturday 10-12 after National Day', () => {
    const t = monthTimetable(plan2013, 9);
    expect(t.period).toBe('2013-Q3');
    expect(t.dispatchDate).toBe('2013-09-30');
    // 10-08 (1), 10-09 (2), 10-10 (3), 10-11 (4), Sat 10-12 (5).
    expect(t.deadlineDate).toBe('2013-10-12');
    expect(t.deadlineAt).toBe(bj(2013, 10, 12, 18));
    expect(t.reminderAt).toBe(bj(2013, 10, 11, 9));
    expect(t.overdueAt).toBe(bj(2013, 10, 14, 9));
    expect(t.escalationAt).toBe(bj(2013, 10, 16, 9));
  });

  test('December 2013 (Q4): deadline in January 2014 after New Year', () => {
    const t = monthTimetable(plan2013, 12);
    expect(t.period).toBe('2013-Q4');
    expect(t.dispatchDate).toBe('2013-12-31');
    // [2014-01-01 off], 01-02 (1), 01-03 (2), 01-06 (3), 01-07 (4), 01-08 (5).
    expect(t.deadlineDate).toBe('2014-01-08');
    expect(t.deadlineAt).toBe(bj(2014, 1, 8, 18));
    expect(t.reminderAt).toBe(bj(2014, 1, 7, 9));
  });

  test('the year: period ids, kinds, and every instant in order', () => {
    const year = yearTimetable(plan2013);
    expect(year.map((t) => t.period)).toEqual([
      '2013-01', '2013-02', '2013-Q1', '2013-04', '2013-05', '2013-Q2',
      '2013-07', '2013-08', '2013-Q3', '2013-10', '2013-11', '2013-Q4',
    ]);
    expect(year.filter((t) => t.kind === 'quarterly').map((t) => t.month)).toEqual([3, 6, 9, 12]);
    for (const t of year) {
      expect(t.dispatchAt).toBeLessThan(t.reminderAt);
      expect(t.reminderAt).toBeLessThan(t.deadlineAt);
      expect(t.deadlineAt).toBeLessThan(t.overdueAt);
      expect(t.overdueAt).toBeLessThan(t.escalationAt);
      expect(epochToLocalDate(t.dispatchAt, ZONE)).toBe(t.dispatchDate);
      expect(epochToLocalDate(t.deadlineAt, ZONE)).toBe(t.deadlineDate);
      // Dispatch and deadline both fall on working days of the plan's calendar.
      expect(isWorkingDay(cal2013, t.dispatchDate)).toBe(true);
      expect(isWorkingDay(cal2013, t.deadlineDate)).toBe(true);
      expect(workingDaysBetween(cal2013, t.dispatchDate, t.deadlineDate)).toBe(5);
      expect(t.checkAutoCloseAt !== undefined).toBe(t.kind === 'quarterly');
    }
    for (let i = 1; i < year.length; i++) expect(year[i].dispatchAt).toBeGreaterThan(year[i - 1].dispatchAt);
  });

  test('a fixed dispatch day falls back to the working day on or before it', () => {
    const p: Plan = { ...plan2013, cadence: { ...plan2013.cadence, monthEndDispatch: { day: 25, time: '10:30' } } };
    const cal = calendarOf(p);
    expect(dispatchDateOf(p, cal, 8)).toBe('2013-08-23'); // 08-25 is a Sunday
    expect(dispatchDateOf(p, cal, 9)).toBe('2013-09-25'); // a Wednesday
    expect(monthTimetable(p, 8).dispatchAt).toBe(bj(2013, 8, 23, 10, 30));
  });

  test('the half-year review is due 10 working days after the June deadline', () => {
    // June: dispatch Fri 06-28; deadline 07-05; +10 working days → 07-19.
    expect(monthTimetable(plan2013, 6).deadlineDate).toBe('2013-07-05');
    expect(halfYearReviewLatestAt(plan2013)).toBe(bj(2013, 7, 19, 9));
  });

  test('instants follow the plan\'s zone, not the host\'s', () => {
    expect(localToEpoch('2013-03-29', '09:00', 'Asia/Shanghai')).toBe(Date.UTC(2013, 2, 29, 1, 0));
    const berlin: Plan = { ...plan2013, timeZone: 'Europe/Berlin' };
    // 2013-03-29 is before the EU switch to summer time (03-31): UTC+1.
    expect(monthTimetable(berlin, 3).dispatchAt).toBe(Date.UTC(2013, 2, 29, 8, 0));
    // April: summer time, UTC+2.
    expect(monthTimetable(berlin, 4).dispatchAt).toBe(Date.UTC(2013, 3, 28, 7, 0));
  });
});

describe('periods', () => {
  test('periodOfMonth', () => {
    expect(periodOfMonth(2013, 1)).toBe('2013-01');
    expect(periodOfMonth(2013, 3)).toBe('2013-Q1');
    expect(periodOfMonth(2013, 11)).toBe('2013-11');
    expect(periodOfMonth(2013, 12)).toBe('2013-Q4');
  });

  test('parsePeriod of valid ids', () => {
    expect(parsePeriod('2013-01')).toEqual({ year: 2013, kind: 'monthly', month: 1 });
    expect(parsePeriod('2013-11')).toEqual({ year: 2013, kind: 'monthly', month: 11 });
    expect(parsePeriod('2013-Q1')).toEqual({ year: 2013, kind: 'quarterly', month: 3, quarter: 1 });
    expect(parsePeriod('2013-Q4')).toEqual({ year: 2013, kind: 'quarterly', month: 12, quarter: 4 });
    expect(parsePeriod('2013-final')).toEqual({ year: 2013, kind: 'final', month: 12 });
  });

  test('parsePeriod refuses malformed ids and quarter-end months written as months', () => {
    for (const bad of ['2013-03', '2013-06', '2013-12', '2013-00', '2013-13', '2013-1', '2013-Q0', '2013-Q5', '2013-FINAL', '13-01', '2013-01 ', '', 'x']) {
      expect([bad, parsePeriod(bad)]).toEqual([bad, undefined]);
    }
  });

  test('parsePeriod inverts periodOfMonth for every month', () => {
    for (let m = 1; m <= 12; m++) {
      const p = parsePeriod(periodOfMonth(2013, m));
      expect(p?.month).toBe(m);
      expect(p?.year).toBe(2013);
      expect(p?.kind).toBe(m % 3 === 0 ? 'quarterly' : 'monthly');
    }
  });
});

describe('calendars and timetables are shared by content (every cycle of a year and province has the same)', () => {
  const again = () => loadPlan(SEED_PLAN_PATH);

  test('two plan objects with the same content share one calendar and one timetable', () => {
    const a = again();
    const b = again();
    expect(a).not.toBe(b);
    expect(calendarOf(a)).toBe(calendarOf(b));
    expect(monthTimetable(a, 8)).toBe(monthTimetable(b, 8));
  });

  test('a plan differing in one holiday, its cadence or its zone gets its own, computed from its own content', () => {
    const base = again();
    const holiday: Plan = { ...base, resolvedCalendar: { ...base.resolvedCalendar, holidays: [...base.resolvedCalendar.holidays, '2013-08-30'] } };
    expect(calendarOf(holiday)).not.toBe(calendarOf(base));
    expect(monthTimetable(holiday, 8).dispatchDate).toBe('2013-08-29'); // Friday 08-30 is now a holiday
    expect(monthTimetable(base, 8).dispatchDate).toBe('2013-08-30');

    const cadence: Plan = { ...base, cadence: { ...base.cadence, reportDeadline: { ...base.cadence.reportDeadline, workingDaysAfterDispatch: 3 } } };
    expect(calendarOf(cadence)).toBe(calendarOf(base));
    expect(monthTimetable(cadence, 8).deadlineDate).toBe(addWorkingDays(cal2013, '2013-08-30', 3));
    expect(monthTimetable(base, 8).deadlineDate).toBe(addWorkingDays(cal2013, '2013-08-30', 5));

    const berlin: Plan = { ...base, timeZone: 'Europe/Berlin' };
    expect(calendarOf(berlin).zone).toBe('Europe/Berlin');
    expect(monthTimetable(berlin, 8).dispatchAt - monthTimetable(base, 8).dispatchAt).toBe(6 * 3_600_000); // summer: UTC+2 against UTC+8
  });
});
