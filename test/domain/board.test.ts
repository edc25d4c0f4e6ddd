/**
 * The cross-unit board as pure functions: 20 units at different paces, each a
 * real cycle state built by the cycle's own rules, ranked in the right order
 * on the board and in the circular's CSV and HTML.
 */
import { loadPlan } from '../../client/planLoader';
import { boardRow, rankBoard, renderBoardCsv, renderBoardHtml } from '../../domain/board';
import { monthTimetable } from '../../domain/calendar';
import { advance, initialState } from '../../domain/cycle';
import { allTargets, type Plan } from '../../domain/plan';
import { programmeSchema } from '../../domain/programme';
import { applyUpdate, UPDATE_RULES } from '../../domain/updates';
import { cycleView } from '../../domain/view';
import { scriptedValue } from '../../client/simulate';
import { SEED_PLAN_PATH } from '../../infra/paths';

const seed = loadPlan(SEED_PLAN_PATH);

/** A unit's cycle at the end of June with every office reporting at `pace` (and `lateOffice` never reporting). */
function unitAt(i: number, pace: number, lateOffice?: string) {
  const plan: Plan = { ...seed, unit: { id: `unit-${String(i).padStart(2, '0')}`, name: { zh: `单位${i}`, en: `Unit ${i}` } } };
  const s = initialState(plan, `cycle-unit-${i}`, monthTimetable(plan, 1).dispatchAt - 1000, 0, 3);
  for (let m = 1; m <= 6; m++) {
    const at = monthTimetable(plan, m).dispatchAt;
    advance(plan, s, at);
    const period = Object.values(s.periods).find((p) => p.month === m)!;
    for (const op of Object.values(period.offices)) {
      if (op.officeId === lateOffice) continue;
      const office = plan.offices.find((o) => o.id === op.officeId)!;
      const values = op.targets
        .map((id) => allTargets(plan).find((r) => r.target.id === id)!.target)
        .filter((t) => t.offices.lead === op.officeId && t.measure.kind !== 'declaration')
        .map((t) => ({ targetId: t.id, value: scriptedValue(t, m, pace) }));
      applyUpdate(UPDATE_RULES.submitReport, plan, s, { actor: { personId: office.contact.personId, via: 'api' }, officeId: op.officeId, period: period.period, values }, at + 3_600_000);
    }
    advance(plan, s, at + 3_600_000);
  }
  return cycleView(plan, s, monthTimetable(plan, 6).dispatchAt + 2 * 86_400_000);
}

describe('20 units ranked', () => {
  // Paces 0.25 .. 1.2, shuffled; unit 7 also has an office that never reports.
  const paces = [0.6, 1.2, 0.25, 0.9, 0.45, 1.0, 0.8, 0.3, 1.1, 0.5, 0.7, 0.35, 0.95, 0.55, 0.65, 0.4, 0.85, 1.05, 0.75, 0.2];
  const views = paces.map((p, i) => unitAt(i, p, i === 7 ? 'achievements' : undefined));
  const rows = rankBoard(views.map(boardRow));

  test('by projected score, highest first: the order of the paces', () => {
    const byPace = paces.map((p, i) => ({ p, id: `unit-${String(i).padStart(2, '0')}` })).sort((a, b) => b.p - a.p);
    // Paces above 1 are capped at full points: those units tie on score and are ordered by red, late, then id.
    const top = byPace.filter((x) => x.p >= 1).map((x) => x.id).sort();
    expect(rows.slice(0, top.length).map((r) => r.unitId).sort()).toEqual(top);
    expect(rows.slice(top.length).map((r) => r.unitId)).toEqual(byPace.filter((x) => x.p < 1).map((x) => x.id));
    for (let i = 1; i < rows.length; i++) expect(rows[i].estimate).toBeLessThanOrEqual(rows[i - 1].estimate);
  });

  test('lights and counts: slow units are red; a unit with a silent office has late reports', () => {
    expect(rows.find((r) => r.unitId === 'unit-19')).toMatchObject({ light: 'red', grade: 'unqualified' });
    expect(rows.find((r) => r.unitId === 'unit-05')).toMatchObject({ light: 'green', red: 0, late: 0 });
    expect(rows.find((r) => r.unitId === 'unit-07')?.late).toBeGreaterThan(0);
    expect(rows.filter((r) => r.estimate === rows[0].estimate).map((r) => r.rank)).toEqual(rows.filter((r) => r.estimate === rows[0].estimate).map(() => 1));
  });

  test('the circular lists the units in the board order, with formulas neutralised', () => {
    const csv = renderBoardCsv(rows).split('\r\n').slice(1, -1);
    expect(csv.map((l) => l.split(',')[1])).toEqual(rows.map((r) => `"${r.unitName}"`));
    const evil = rankBoard([{ ...boardRow(views[0]), unitName: '=HYPERLINK("http://x")' }]);
    expect(renderBoardCsv(evil)).toContain(`"'=HYPERLINK(""http://x"")"`);
    const html = renderBoardHtml('通报 <b>', rows, [{ unitId: 'ghost', problem: 'no cycle for 2013' }], '2013-07-02');
    expect(html.indexOf('Unit 5')).toBeLessThan(html.indexOf('Unit 19'));
    expect(html).toContain('通报 &lt;b&gt;');
    expect(html).toContain('ghost (no cycle for 2013)');
  });
});

test('a programme file: unknown recipients and repeated units are refused with their path', () => {
  const base = { schemaVersion: 1, office: { id: 'perf', name: { zh: '绩效办', en: 'Perf' } }, people: [{ personId: 'p1', name: 'P', role: 'director', email: 'p@x.example' }], units: ['a'], circular: { recipients: ['p1'] } };
  expect(programmeSchema.safeParse(base).success).toBe(true);
  const bad = programmeSchema.safeParse({ ...base, units: ['a', 'a'], circular: { recipients: ['nobody'] } });
  expect(bad.success ? [] : bad.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['circular.recipients.0: "nobody" is neither a person of the programme nor an e-mail address', 'units.1: unit "a" is listed twice']);
});
