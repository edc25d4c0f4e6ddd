/**
 * 绩效办的排名看板与通报: many units' cycles side by side, ranked by projected
 * score, with their lights, late reports and missing targets. Pure: built
 * from each cycle's status view (one query per cycle), rendered as text by
 * the CLI, as HTML and CSV for the circular.
 */
import { escapeHtml } from './mail';
import type { Light } from './projection';
import { csvCell } from './report';
import type { CycleView } from './view';

export interface BoardRow {
  rank: number;
  unitId: string;
  unitName: string;
  workflowId: string;
  phase: string;
  light: Light;
  /** Projected year-end score out of maxPoints (the appraisal's total once appraised). */
  estimate: number;
  maxPoints: number;
  fraction: number;
  grade: string;
  gradeName: string;
  red: number;
  amber: number;
  /** Reports past their deadline now, across the unit's offices. */
  late: number;
  /** Targets whose window has begun with no report yet. */
  missing: number;
  knownTargets: number;
}

/** A unit the board could not read (no cycle for that year, or Temporal refused): listed, never ranked. */
export interface BoardGap {
  unitId: string;
  problem: string;
}

export function boardRow(v: CycleView): Omit<BoardRow, 'rank'> {
  const p = v.projection;
  const appraised = v.appraisal?.total !== undefined;
  return {
    unitId: v.unit.id,
    unitName: v.unit.name,
    workflowId: v.workflowId,
    phase: v.phase,
    light: p.unit.light,
    estimate: appraised ? (v.appraisal!.total as number) : p.unit.estimate,
    maxPoints: p.unit.maxPoints,
    fraction: appraised ? (v.appraisal!.total as number) / (v.appraisal!.maxPoints as number) : p.unit.fraction,
    grade: appraised ? (v.appraisal!.grade as string) : p.unit.grade,
    gradeName: p.unit.gradeName,
    red: p.targets.filter((t) => t.light === 'red').length,
    amber: p.targets.filter((t) => t.light === 'amber').length,
    late: v.offices.reduce((a, o) => a + o.owes.filter((x) => x.late).length, 0),
    missing: p.targets.filter((t) => t.reported === null && (t.expectedNow ?? 0) > 0).length,
    knownTargets: p.unit.knownTargets,
  };
}

/**
 * Highest projected score first; a unit with nothing to project from goes last; ties go to fewer red targets,
 * then fewer late reports, then the unit id (a stable order). Equal on all counts shares a rank.
 */
export function rankBoard(rows: Omit<BoardRow, 'rank'>[]): BoardRow[] {
  const key = (r: Omit<BoardRow, 'rank'>) => [r.knownTargets ? 0 : 1, r.maxPoints > 0 ? -r.estimate / r.maxPoints : 0, r.red, r.late];
  const cmp = (a: Omit<BoardRow, 'rank'>, b: Omit<BoardRow, 'rank'>) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return 0;
  };
  const sorted = [...rows].sort((a, b) => cmp(a, b) || a.unitId.localeCompare(b.unitId));
  const out: BoardRow[] = [];
  sorted.forEach((r, i) => out.push({ ...r, rank: i > 0 && cmp(sorted[i - 1], r) === 0 ? out[i - 1].rank : i + 1 }));
  return out;
}

const LIGHT = { red: '红 red', amber: '黄 amber', green: '绿 green', unknown: '— unknown' } as const;
export const BOARD_HEAD = ['名次 rank', '单位 unit', '灯 light', '预测得分 projected', '满分 of', '等次 grade', '红灯 red', '黄灯 amber', '逾期 late', '缺报 missing', '阶段 phase'];

export function boardCells(r: BoardRow): (string | number)[] {
  return [r.rank, r.unitName, LIGHT[r.light], r.estimate, r.maxPoints, r.gradeName, r.red, r.amber, r.late, r.missing, r.phase];
}

export function renderBoardCsv(rows: BoardRow[]): string {
  return `\uFEFF${[BOARD_HEAD, ...rows.map(boardCells)].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function renderBoardHtml(title: string, rows: BoardRow[], gaps: BoardGap[], generatedAt: string): string {
  const colour = { red: '#f8d7da', amber: '#fff3cd', green: '#d4edda', unknown: '#eeeeee' } as const;
  const tr = (r: BoardRow) => `<tr style="background:${colour[r.light]}">${boardCells(r).map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`;
  const gapList = gaps.length ? `<p>未能读取 Not read: ${gaps.map((g) => escapeHtml(`${g.unitId} (${g.problem})`)).join('; ')}</p>` : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(`生成于 Generated ${generatedAt}`)}</p><table border="1" cellpadding="4" cellspacing="0"><thead><tr>${BOARD_HEAD.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map(tr).join('')}</tbody></table>${gapList}</body></html>\n`;
}
