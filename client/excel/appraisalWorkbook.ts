/**
 * `cycle report --format xlsx`: the appraisal pack as a workbook: the summary
 * (total, grade, consequence), every target with its explanation and offices,
 * the subtotals and the audit log. Built from buildReport's output only, so
 * it shows exactly what the other formats show.
 */
import { loadExcel } from './load';
import { officesOf, allTargets, type Plan } from '../../domain/plan';
import type { AppraisalReport } from '../../domain/report';
import { addRow, header } from './cells';

const POINTS = '0.00';
const FRACTION = '0.00%';

export async function appraisalWorkbook(report: AppraisalReport, plan?: Pick<Plan, 'categories' | 'offices'>): Promise<Buffer> {
  const a = report.appraisal;
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'supervision-cycle';
  wb.created = new Date(0); // the same report gives the same bytes

  const summary = wb.addWorksheet('汇总 Summary');
  header(summary, ['项目 Item', '值 Value'], [34, 60]);
  const rows: [string, string | number, string?][] = [
    ['单位 Unit', `${report.unit.zh} / ${report.unit.en}`],
    ['年度 Year', report.year],
    ['计划版本 Plan version', report.planVersion],
    ['总分 Total', a.total, POINTS],
    ['满分 Maximum', a.maxPoints, POINTS],
    ['得分率 Fraction', a.fraction, FRACTION],
    ['等次 Grade', a.gradeName],
    ['评先评优 Eligible for excellence', a.eligibleForExcellence ? '是 yes' : '否 no'],
    ['结果运用 Consequence', a.consequence],
    ['生成时间 Generated', report.generatedAt],
    ['可复算 Reproducible from inputs', report.reproducible ? '是 yes' : '否 NO'],
  ];
  for (const [k, v, fmt] of rows) addRow(summary, [k, v], [undefined, fmt]);

  const officesByTarget = new Map(plan ? allTargets(plan).map((r) => [r.target.id, officesOf(r.target)]) : []);
  const officeName = new Map(plan?.offices.map((o) => [o.id, o.name.zh]) ?? []);
  const targets = wb.addWorksheet('评分明细 Targets');
  header(
    targets,
    ['目标 Target', '指标 Indicator', '类别 Category', '内容 Text', '责任科室 Offices', '完成值 Value', '目标值 Goal', '来源 Source', '完成率 Fraction', '规则 Rule', '得分 Points', '分值 Max', '说明 Explanation'],
    [10, 22, 14, 40, 18, 12, 12, 10, 12, 14, 10, 10, 60],
  );
  for (const t of a.targets) {
    const offices = (officesByTarget.get(t.targetId) ?? []).map((o) => officeName.get(o) ?? o).join('、');
    addRow(targets, [t.targetId, t.indicatorId, t.categoryId, t.text, offices, t.achieved, t.goal, t.source, t.fraction, t.rule, t.points, t.maxPoints, t.explanation], [undefined, undefined, undefined, undefined, undefined, '#,##0.##', '#,##0.##', undefined, FRACTION, undefined, POINTS, POINTS]);
  }
  const total = addRow(targets, ['合计 TOTAL', '', '', a.gradeName, '', null, null, '', a.fraction, '', a.total, a.maxPoints, a.consequence], [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, FRACTION, undefined, POINTS, POINTS]);
  total.font = { bold: true };

  const subtotals = wb.addWorksheet('小计 Subtotals');
  header(subtotals, ['层级 Level', '编号 Id', '名称 Name', '得分 Points', '分值 Max'], [14, 22, 40, 10, 10]);
  for (const c of a.categories) addRow(subtotals, ['类别 category', c.id, c.name, c.points, c.maxPoints], [undefined, undefined, undefined, POINTS, POINTS]);
  for (const c of a.indicators) addRow(subtotals, ['指标 indicator', c.id, c.name, c.points, c.maxPoints], [undefined, undefined, undefined, POINTS, POINTS]);

  const audit = wb.addWorksheet('审计日志 Audit log');
  header(audit, ['序号 #', '时间 At', '操作人 Actor', '操作 Action', '对象 Subject', '结果 Outcome', '摘要 Payload sha256'], [8, 22, 20, 18, 24, 30, 20]);
  for (const e of report.audit) addRow(audit, [e.seq, e.at, e.actor, e.action, e.subject, e.outcome, e.digest.slice(0, 16)]);

  if (report.deliveryFailures.length) {
    const failures = wb.addWorksheet('投递失败 Undelivered mail');
    header(failures, ['邮件 Mail', '错误 Error'], [40, 60]);
    for (const f of report.deliveryFailures) addRow(failures, [f.key, f.error]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
