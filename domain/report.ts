/**
 * The year-end appraisal report in four forms (JSON, Markdown, HTML, CSV):
 * every point explained, the inputs it was computed from, and the audit log.
 * Pure, so the same report can be re-rendered from the recorded inputs.
 */
import type { AuditEntry, CycleState } from './cycle';
import { valuesForAppraisal } from './cycle';
import { escapeHtml } from './mail';
import type { Plan } from './plan';
import { scorePlan, type Appraisal } from './scoring';
import { formatLocal } from './time';

export interface AppraisalReport {
  workflowId: string;
  unit: { id: string; zh: string; en: string };
  year: number;
  planVersion: string;
  generatedAt: string;
  appraisal: Appraisal;
  /** The recorded inputs: re-scoring them with the plan gives the same appraisal. */
  inputs: { values: ReturnType<typeof valuesForAppraisal>; municipalGrade?: string };
  reproducible: boolean;
  audit: (Omit<AuditEntry, 'at'> & { at: string })[];
  deliveryFailures: CycleState['failures'];
}

export function buildReport(plan: Plan, state: CycleState, generatedAt: number): AppraisalReport {
  const appraisal = state.appraisal?.result;
  if (!appraisal) throw new Error('the appraisal has not been computed');
  const values = valuesForAppraisal(plan, state);
  const again = scorePlan(plan, values, { municipalGrade: state.municipalGrade });
  return {
    workflowId: state.workflowId,
    unit: { id: plan.unit.id, zh: plan.unit.name.zh, en: plan.unit.name.en },
    year: plan.year,
    planVersion: plan.planVersion,
    generatedAt: formatLocal(generatedAt, plan.timeZone),
    appraisal,
    inputs: { values, municipalGrade: state.municipalGrade },
    reproducible: again.total === appraisal.total && again.grade === appraisal.grade,
    audit: state.audit.map((a) => ({ ...a, at: formatLocal(a.at, plan.timeZone) })),
    deliveryFailures: state.failures,
  };
}

/** Markdown is often rendered as HTML: neutralise tags as well as the table syntax. */
function mdCell(s: string | number | null): string {
  return String(s ?? '—')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

export function renderMarkdown(r: AppraisalReport): string {
  const a = r.appraisal;
  const lines = [
    `# ${mdCell(r.unit.zh)} ${r.year} 年度绩效考评 / ${mdCell(r.unit.en)}: ${r.year} appraisal`,
    '',
    `- Total 总分: **${a.total} / ${a.maxPoints}**`,
    `- Grade 等次: **${mdCell(a.gradeName)}**`,
    `- Eligible for excellence 评先评优: **${a.eligibleForExcellence ? 'yes' : 'no'}** (${mdCell(a.consequence)})`,
    `- Plan version: ${r.planVersion}; generated ${r.generatedAt}; reproducible from recorded inputs: ${r.reproducible ? 'yes' : 'NO'}`,
    '',
    '## Categories',
    '',
    '| category | points | max |',
    '| --- | ---: | ---: |',
    ...a.categories.map((c) => `| ${mdCell(c.name)} | ${c.points} | ${c.maxPoints} |`),
    '',
    '## Indicators',
    '',
    '| indicator | points | max |',
    '| --- | ---: | ---: |',
    ...a.indicators.map((c) => `| ${mdCell(c.name)} | ${c.points} | ${c.maxPoints} |`),
    '',
    '## Every point explained',
    '',
    '| target | text | value | goal | source | points | max | explanation |',
    '| --- | --- | ---: | ---: | --- | ---: | ---: | --- |',
    ...a.targets.map((t) => `| ${t.targetId} | ${mdCell(t.text)} | ${mdCell(t.achieved)} | ${mdCell(t.goal)} | ${t.source} | ${t.points} | ${t.maxPoints} | ${mdCell(t.explanation)} |`),
    '',
    '## Audit log',
    '',
    '| # | at | actor | action | subject | outcome | payload sha256 |',
    '| ---: | --- | --- | --- | --- | --- | --- |',
    ...r.audit.map((e) => `| ${e.seq} | ${e.at} | ${mdCell(e.actor)} | ${e.action} | ${mdCell(e.subject)} | ${mdCell(e.outcome)} | ${e.digest.slice(0, 16)} |`),
  ];
  if (r.deliveryFailures.length) {
    lines.push('', '## Mail that could not be delivered', '', ...r.deliveryFailures.map((f) => `- ${mdCell(f.key)}: ${mdCell(f.error)}`));
  }
  return `${lines.join('\n')}\n`;
}

export function renderHtml(r: AppraisalReport): string {
  const a = r.appraisal;
  const row = (cells: (string | number | null)[]) => `<tr>${cells.map((c) => `<td>${escapeHtml(String(c ?? '—'))}</td>`).join('')}</tr>`;
  const table = (head: string[], rows: (string | number | null)[][]) =>
    `<table border="1" cellpadding="4" cellspacing="0"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map(row).join('')}</tbody></table>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(`${r.unit.en} ${r.year} appraisal`)}</title></head><body>
<h1>${escapeHtml(`${r.unit.zh} ${r.year} 年度绩效考评 / ${r.unit.en}`)}</h1>
<p>Total 总分: <b>${a.total} / ${a.maxPoints}</b>; Grade 等次: <b>${escapeHtml(a.gradeName)}</b>; ${escapeHtml(a.consequence)}</p>
<h2>Categories</h2>${table(['category', 'points', 'max'], a.categories.map((c) => [c.name, c.points, c.maxPoints]))}
<h2>Every point explained</h2>${table(['target', 'text', 'value', 'goal', 'source', 'points', 'max', 'explanation'], a.targets.map((t) => [t.targetId, t.text, t.achieved, t.goal, t.source, t.points, t.maxPoints, t.explanation]))}
<h2>Audit log</h2>${table(['#', 'at', 'actor', 'action', 'subject', 'outcome', 'sha256'], r.audit.map((e) => [e.seq, e.at, e.actor, e.action, e.subject, e.outcome, e.digest.slice(0, 16)]))}
</body></html>
`;
}

export function csvCell(v: string | number | null): string {
  const s = String(v ?? '');
  // Quote always; neutralise spreadsheet formulas in user text.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function renderCsv(r: AppraisalReport): string {
  const head = ['target', 'indicator', 'category', 'text', 'value', 'goal', 'source', 'fraction', 'rule', 'points', 'max', 'explanation'];
  const rows = r.appraisal.targets.map((t) => [t.targetId, t.indicatorId, t.categoryId, t.text, t.achieved, t.goal, t.source, Math.round(t.fraction * 10000) / 10000, t.rule, t.points, t.maxPoints, t.explanation]);
  rows.push(['TOTAL', '', '', r.appraisal.gradeName, null, null, '', Math.round(r.appraisal.fraction * 10000) / 10000, '', r.appraisal.total, r.appraisal.maxPoints, r.appraisal.consequence]);
  return `\uFEFF${[head, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
