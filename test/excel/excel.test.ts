/**
 * Workbooks: the appraisal pack, and the values template read back with the
 * JSON values file's checks. Every file is read back with exceljs.
 */
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { loadPlan } from '../../client/planLoader';
import { appraisalWorkbook } from '../../client/excel/appraisalWorkbook';
import { readValuesWorkbook, valuesTemplate, VALUES_SHEET } from '../../client/excel/valuesWorkbook';
import { allTargets } from '../../domain/plan';
import type { AppraisalReport } from '../../domain/report';
import { scorePlan } from '../../domain/scoring';

const plan = loadPlan(path.join(__dirname, '../../plans/yiyang-st-2013.yaml'));
const hto = allTargets(plan).filter((r) => r.target.offices.lead === 'hi-tech-office').map((r) => r.target);

async function open(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

describe('the appraisal workbook', () => {
  const appraisal = scorePlan(plan, { 't1-1': { value: 12, source: 'verified' }, 't2-2': { value: 2, source: 'reported' } });
  const evil = '=HYPERLINK("http://x.example","click")';
  const report: AppraisalReport = {
    workflowId: 'cycle-yiyang-st-bureau-2013',
    unit: { id: plan.unit.id, zh: plan.unit.name.zh, en: plan.unit.name.en },
    year: 2013,
    planVersion: plan.planVersion,
    generatedAt: '2014-01-20 10:00',
    appraisal,
    inputs: { values: {} as AppraisalReport['inputs']['values'] },
    reproducible: true,
    audit: [
      { seq: 1, at: '2013-03-29 10:00', actor: evil, action: 'submitReport', subject: '+cmd|calc', outcome: '@SUM(A1)', digest: 'a'.repeat(64) },
      { seq: 2, at: '2013-03-30 10:00', actor: '\t=1+1', action: 'approve', subject: '-2', outcome: 'ok', digest: 'b'.repeat(64) },
    ],
    deliveryFailures: [],
  };

  it('has the summary, every target with its offices, and the audit log', async () => {
    const wb = await open(await appraisalWorkbook(report, plan));
    expect(wb.worksheets.map((s) => s.name)).toEqual(['汇总 Summary', '评分明细 Targets', '小计 Subtotals', '审计日志 Audit log']);
    const summary = wb.getWorksheet('汇总 Summary')!;
    expect(summary.getCell('B5').value).toBe(appraisal.total);
    expect(summary.getCell('B5').numFmt).toBe('0.00');
    expect(summary.getCell('B8').value).toBe(appraisal.gradeName);
    const targets = wb.getWorksheet('评分明细 Targets')!;
    expect(targets.rowCount).toBe(1 + appraisal.targets.length + 1);
    const t22 = targets.getRows(2, appraisal.targets.length)!.find((r) => r.getCell(1).value === 't2-2')!;
    expect(t22.getCell(5).value).toBe('农社科、高新办');
    expect(t22.getCell(13).value).toBe(appraisal.targets.find((t) => t.targetId === 't2-2')!.explanation);
  });

  it('writes what users typed as inert text, never as a formula', async () => {
    const audit = (await open(await appraisalWorkbook(report))).getWorksheet('审计日志 Audit log')!;
    const cells = [audit.getCell('C2'), audit.getCell('E2'), audit.getCell('F2'), audit.getCell('C3'), audit.getCell('E3')];
    expect(cells.map((c) => c.value)).toEqual([`'${evil}`, "'+cmd|calc", "'@SUM(A1)", "'\t=1+1", "'-2"]);
    expect(cells.every((c) => c.type === ExcelJS.ValueType.String)).toBe(true);
  });
});

describe('the values workbook', () => {
  const ctx = { plan, officeId: 'hi-tech-office', period: '2013-Q2' };
  async function filled(edit: (s: ExcelJS.Worksheet) => void): Promise<Buffer> {
    const wb = await open(await valuesTemplate(plan, 'hi-tech-office', '2013-Q2', hto));
    edit(wb.getWorksheet(VALUES_SHEET)!);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('has one row per open target with a number-validated value cell', async () => {
    const sheet = (await open(await valuesTemplate(plan, 'hi-tech-office', '2013-Q2', hto))).getWorksheet(VALUES_SHEET)!;
    expect(sheet.getCell('A7').value).toBe('t1-1');
    expect(sheet.getCell('D7').value).toBe('1-12');
    expect(sheet.getCell('E7').dataValidation.type).toBe('decimal');
    expect(sheet.rowCount).toBe(6 + hto.length);
  });

  it('reads the values and the narrative back', async () => {
    const buf = await filled((s) => {
      s.getCell('E7').value = 12.5;
      s.getCell('B4').value = '=cmd 上半年进展顺利';
    });
    expect(await readValuesWorkbook(buf, ctx)).toEqual({ values: [{ targetId: 't1-1', value: 12.5 }], narrative: '=cmd 上半年进展顺利' });
  });

  it('names the cell of every problem and files nothing', async () => {
    const buf = await filled((s) => {
      s.getCell('B2').value = 'planning';
      s.getCell('E7').value = '十二';
      s.getCell('E8').value = { formula: '1+1', result: 2 } as ExcelJS.CellFormulaValue;
      s.getCell(`A${7 + hto.length}`).value = 't9-1';
      s.getCell(`E${7 + hto.length}`).value = 5;
    });
    await expect(readValuesWorkbook(buf, ctx)).rejects.toThrow(
      /cell B2 says office "planning" but this filing is for office "hi-tech-office"[\s\S]*cell E7 holds "十二", not a number[\s\S]*cell E8 holds a formula[\s\S]*"t9-1" is not a target of office hi-tech-office/,
    );
  });

  it('refuses a wrong sheet, a period mismatch, an oversized file and a zip bomb', async () => {
    const other = new ExcelJS.Workbook();
    other.addWorksheet('Sheet1');
    await expect(readValuesWorkbook(Buffer.from(await other.xlsx.writeBuffer()), ctx)).rejects.toThrow(/no sheet "报送" \(it has "Sheet1"\)/);
    await expect(readValuesWorkbook(await filled(() => undefined), { ...ctx, period: '2013-Q3' })).rejects.toThrow(/cell B3 says period "2013-Q2" but this filing is for period "2013-Q3"/);
    await expect(readValuesWorkbook(Buffer.alloc(3 * 1024 * 1024), ctx)).rejects.toThrow(/the limit is 2 MiB/);
    const bomb = new JSZip();
    bomb.file('xl/big.xml', Buffer.alloc(120 * 1024 * 1024), { compression: 'DEFLATE' });
    const small = await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(small.length).toBeLessThan(2 * 1024 * 1024);
    await expect(readValuesWorkbook(small, ctx)).rejects.toThrow(/expands to 120 MiB .* zip bomb/);
  });
});
