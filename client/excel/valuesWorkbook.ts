/**
 * The values an office files for a period, as a workbook: a template with
 * one row per open target, and the reader that checks a filled-in one as
 * strictly as the JSON values file. Any problem names its cell, and nothing
 * is filed.
 */
import { loadExcel } from './load';
import type { Plan, Target } from '../../domain/plan';
import { checkZip } from '../importer/extract';
import { addRow, header } from './cells';

export const VALUES_SHEET = '报送';
/** A filled-in template is a few kilobytes; anything this large is the wrong file. */
export const VALUES_WORKBOOK_LIMIT_BYTES = 2 * 1024 * 1024;
const FIRST_TARGET_ROW = 7;
const META = { unit: 'B1', office: 'B2', period: 'B3', narrative: 'B4' } as const;

export class ValuesWorkbookError extends Error {
  override readonly name = 'ValuesWorkbookError';
  constructor(readonly problems: string[]) {
    super(`the values workbook has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was filed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export async function valuesTemplate(plan: Pick<Plan, 'unit'>, officeId: string, period: string, targets: Target[]): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.created = new Date(0);
  const sheet = wb.addWorksheet(VALUES_SHEET);
  addRow(sheet, ['单位 Unit', plan.unit.id]);
  addRow(sheet, ['科室 Office', officeId]);
  addRow(sheet, ['期间 Period', period]);
  addRow(sheet, ['情况说明 Narrative', '']);
  addRow(sheet, ['在 E 列填写数值，其他单元格请勿修改 / Fill in column E only; do not change the other cells.']);
  header(sheet, ['目标 Target', '内容 Text', '单位 Unit', '窗口 Window (months)', '数值 Value', '目标值 Goal'], [10, 50, 12, 18, 14, 12]);
  sheet.views = [{ state: 'frozen', ySplit: FIRST_TARGET_ROW - 1 }];
  for (const t of targets) {
    const unit = t.measure.kind === 'count' || t.measure.kind === 'amount' ? t.measure.unit.zh : t.measure.kind === 'growthPercent' ? '%' : t.measure.kind === 'milestone' ? '进度 0-1' : '分 points';
    const goal = 'atLeast' in t.measure ? t.measure.atLeast : t.measure.kind === 'milestone' ? 1 : null;
    const row = addRow(sheet, [t.id, t.text.zh, unit, `${t.window.startMonth}-${t.window.endMonth}`, null, goal]);
    const value = row.getCell(5);
    value.dataValidation = { type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0], allowBlank: true, showErrorMessage: true, errorTitle: '数值 Value', error: '请输入数字 Enter a number' };
    value.numFmt = '#,##0.##';
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface ReadValuesContext {
  plan: Pick<Plan, 'unit' | 'categories'>;
  officeId: string;
  period: string;
}

export async function readValuesWorkbook(buffer: Uint8Array, ctx: ReadValuesContext, file = 'values workbook'): Promise<{ values: { targetId: string; value: number }[]; narrative?: string }> {
  if (buffer.byteLength > VALUES_WORKBOOK_LIMIT_BYTES) {
    throw new ValuesWorkbookError([`${file} is ${Math.round(buffer.byteLength / 1024)} KiB; the limit is ${VALUES_WORKBOOK_LIMIT_BYTES / 1048576} MiB: use the template from \`cycle\``]);
  }
  await checkZip(buffer, file);
  const wb = new (await loadExcel()).Workbook();
  try {
    await wb.xlsx.load(Buffer.from(buffer) as unknown as ArrayBuffer);
  } catch (e) {
    throw new ValuesWorkbookError([`${file} is not an .xlsx workbook (${(e as Error).message}): save it as .xlsx`]);
  }
  const sheet = wb.getWorksheet(VALUES_SHEET);
  if (!sheet) throw new ValuesWorkbookError([`${file} has no sheet "${VALUES_SHEET}" (it has ${wb.worksheets.map((s) => `"${s.name}"`).join(', ')}): fill in the template \`cycle\` gives you`]);
  const problems: string[] = [];
  const at = (ref: string) => `Sheet ${VALUES_SHEET} cell ${ref}`;
  const text = (ref: string) => {
    const v = sheet.getCell(ref).value;
    return v === null || v === undefined ? '' : typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : String(v);
  };
  const expect = (ref: string, want: string, what: string) => {
    if (text(ref).trim() !== want) problems.push(`${at(ref)} says ${what} "${text(ref)}" but this filing is for ${what} "${want}": use the template for ${want}`);
  };
  expect(META.unit, ctx.plan.unit.id, 'unit');
  expect(META.office, ctx.officeId, 'office');
  expect(META.period, ctx.period, 'period');

  const owned = new Set(ctx.plan.categories.flatMap((c) => c.indicators.flatMap((i) => i.targets)).filter((t) => t.offices.lead === ctx.officeId || t.offices.coOwners.includes(ctx.officeId)).map((t) => t.id));
  const values: { targetId: string; value: number }[] = [];
  const seen = new Set<string>();
  for (let r = FIRST_TARGET_ROW; r <= sheet.rowCount; r++) {
    const id = text(`A${r}`).trim();
    const cell = sheet.getCell(`E${r}`);
    if (!id && (cell.value === null || cell.value === undefined || cell.value === '')) continue;
    if (!owned.has(id)) {
      problems.push(`${at(`A${r}`)}: "${id}" is not a target of office ${ctx.officeId}: remove the row or fix the id`);
      continue;
    }
    if (seen.has(id)) problems.push(`${at(`A${r}`)}: target ${id} is listed twice: keep one row`);
    seen.add(id);
    const v = cell.value;
    if (v === null || v === undefined || v === '') continue;
    if (typeof v === 'number' && Number.isFinite(v)) values.push({ targetId: id, value: v });
    else if (typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) problems.push(`${at(`E${r}`)} holds a formula: type the number itself`);
    else problems.push(`${at(`E${r}`)} holds ${JSON.stringify(text(`E${r}`))}, not a number: type a plain number`);
  }
  if (problems.length) throw new ValuesWorkbookError(problems);
  const narrative = text(META.narrative).trim();
  return { values, narrative: narrative || undefined };
}
