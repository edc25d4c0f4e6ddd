/**
 * The seed plan (plans/yiyang-st-2013.yaml) against the source document
 * (shared/seed/000_d34674db644054fc.txt, 湖南省益阳市科技局 2013 年绩效计划书).
 *
 * Every expected figure below is transcribed BY HAND from the source text, not
 * read back from the plan file. Where the source is silent (how an indicator's
 * points are split between its targets, who owns the investment items, …) the
 * plan makes a choice; those choices are only checked for consistency.
 */
import { loadPlan } from '../../client/planLoader';
import { allTargets, type Plan, type Target } from '../../domain/plan';
import { SEED_PLAN_PATH } from '../../infra/paths';

const plan: Plan = loadPlan(SEED_PLAN_PATH);

function target(id: string): Target {
  const ref = allTargets(plan).find((r) => r.target.id === id);
  if (!ref) throw new Error(`the seed plan has no target "${id}"`);
  return ref.target;
}

function indicatorByZh(zh: string) {
  for (const c of plan.categories) for (const i of c.indicators) if (i.name.zh === zh) return i;
  throw new Error(`the seed plan has no indicator named ${zh}`);
}

function categoryByZh(zh: string) {
  const c = plan.categories.find((x) => x.name.zh === zh);
  if (!c) throw new Error(`the seed plan has no category named ${zh}`);
  return c;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('seed plan: header', () => {
  test('is the 2013 plan of the Yiyang City S&T Bureau, in Asia/Shanghai', () => {
    expect(plan.year).toBe(2013);
    expect(plan.timeZone).toBe('Asia/Shanghai');
    expect(plan.unit.name.zh).toBe('益阳市科技局');
    expect(plan.schemaVersion).toBe(1);
  });

  test('assessment group: 组长 杨耀武, 副组长 唐志斌, 成员 丰东远 (section 三.3)', () => {
    const g = plan.assessmentGroup;
    expect(g.leader.name).toBe('杨耀武');
    expect(g.leader.role).toContain('组长');
    expect(g.deputy?.name).toBe('唐志斌');
    expect(g.deputy?.role).toContain('副组长');
    expect(g.members.map((m) => m.name)).toContain('丰东远');
    expect(g.members.find((m) => m.name === '丰东远')?.role).toContain('成员');
    // The leader is the one who approves (the group "考核").
    expect(g.approvers).toContain(g.leader.personId);
  });

  test('the consequence rule of section 四 (不合格 … 不能评先评优) is encoded', () => {
    expect(plan.scoring.ineligibleForExcellence).toContain('unqualified');
    const names = plan.scoring.grades.map((g) => g.name.zh);
    expect(names).toContain('不合格');
  });
});

describe('seed plan: points', () => {
  test('total 680 = 工作业绩 480 + 科技投入与保障 200', () => {
    expect(plan.totalPoints).toBe(680);
    expect(categoryByZh('工作业绩').points).toBe(480);
    expect(categoryByZh('科技投入与保障').points).toBe(200);
    expect(plan.categories).toHaveLength(2);
    expect(sum(plan.categories.map((c) => c.points))).toBe(680);
    expect(sum(allTargets(plan).map((r) => r.target.points))).toBeCloseTo(680, 9);
  });

  test('工作业绩 indicators: 100, 100, 100, 100, 80 in the source order', () => {
    const work = categoryByZh('工作业绩');
    expect(work.indicators.map((i) => [i.name.zh, i.points])).toEqual([
      ['高新技术产业发展', 100],
      ['科技支撑农业与民生建设', 100],
      ['创新能力建设', 100],
      ['产学研协同创新', 100],
      ['创新创优', 80],
    ]);
  });

  test('科技投入与保障: four items whose points sum to 200 (the split is a plan choice)', () => {
    const inv = categoryByZh('科技投入与保障');
    expect(inv.indicators).toHaveLength(4);
    expect(sum(inv.indicators.map((i) => i.points))).toBeCloseTo(200, 9);
    for (const i of inv.indicators) expect(i.points).toBeGreaterThan(0);
    expect(inv.indicators.map((i) => i.name.zh)).toEqual([
      '市州本级财政科技支出',
      '县(市、区)财政科技支出',
      '全社会研发投入(R&D)',
      '争取中央财政科技项目经费',
    ]);
  });

  test("every indicator's targets add up to the indicator's points", () => {
    for (const c of plan.categories) {
      for (const i of c.indicators) expect([i.id, sum(i.targets.map((t) => t.points))]).toEqual([i.id, i.points]);
    }
  });
});

/**
 * The source's targets, one row per number it commits to. `zh` is a fragment
 * of the source wording that the target's Chinese text must contain.
 */
type Expected = {
  id: string;
  zh: string;
  indicator: string;
  measure:
    | { kind: 'growthPercent'; atLeast: number }
    | { kind: 'count'; atLeast: number; unit: string }
    | { kind: 'amount'; atLeast: number; unit: string }
    | { kind: 'milestone' }
    | { kind: 'declaration' };
};

const EXPECTED_TARGETS: Expected[] = [
  // (一) 1、高新技术产业发展 (100 分)
  { id: 't1-1', zh: '高企数量增长幅度保持在10%以上', indicator: '高新技术产业发展', measure: { kind: 'growthPercent', atLeast: 10 } },
  { id: 't1-2', zh: '高新技术产品产值增幅保持20%以上', indicator: '高新技术产业发展', measure: { kind: 'growthPercent', atLeast: 20 } },
  // 2、科技支撑农业与民生建设 (100 分)
  { id: 't2-1a', zh: '农业新品种、新技术5项', indicator: '科技支撑农业与民生建设', measure: { kind: 'count', atLeast: 5, unit: '项' } },
  { id: 't2-1b', zh: '农业科技项目5个', indicator: '科技支撑农业与民生建设', measure: { kind: 'count', atLeast: 5, unit: '个' } },
  { id: 't2-2', zh: '民生领域科技项目4项', indicator: '科技支撑农业与民生建设', measure: { kind: 'count', atLeast: 4, unit: '项' } },
  { id: 't2-3a', zh: '送科技下乡活动3次', indicator: '科技支撑农业与民生建设', measure: { kind: 'count', atLeast: 3, unit: '次' } },
  { id: 't2-3b', zh: '示范推广基地10个', indicator: '科技支撑农业与民生建设', measure: { kind: 'count', atLeast: 10, unit: '个' } },
  { id: 't2-3c', zh: '农村科普基地2个', indicator: '科技支撑农业与民生建设', measure: { kind: 'count', atLeast: 2, unit: '个' } },
  // 3、创新能力建设 (100 分)
  { id: 't3-1', zh: '中国黑茶产业联盟创新服务平台建设', indicator: '创新能力建设', measure: { kind: 'milestone' } },
  { id: 't3-2', zh: '科技创新带头人5名', indicator: '创新能力建设', measure: { kind: 'count', atLeast: 5, unit: '名' } },
  { id: 't3-3', zh: '工程技术研究中心4家', indicator: '创新能力建设', measure: { kind: 'count', atLeast: 4, unit: '家' } },
  // 4、产学研协同创新 (100 分)
  { id: 't4-1', zh: '博士后科研工作联系点、研究生实习基地3家', indicator: '产学研协同创新', measure: { kind: 'count', atLeast: 3, unit: '家' } },
  { id: 't4-2', zh: '产学研重点项目3项', indicator: '产学研协同创新', measure: { kind: 'count', atLeast: 3, unit: '项' } },
  { id: 't4-3', zh: '2项科技成果落地转化', indicator: '产学研协同创新', measure: { kind: 'count', atLeast: 2, unit: '项' } },
  // 5、创新创优 (80 分): 年末申报
  { id: 't5-1', zh: '年末申报', indicator: '创新创优', measure: { kind: 'declaration' } },
  // (二) 科技投入与保障 (200 分)
  { id: 't6-1', zh: '部门预算经费预计267.9万元', indicator: '市州本级财政科技支出', measure: { kind: 'amount', atLeast: 267.9, unit: '万元' } },
  { id: 't6-2', zh: '科技三项费', indicator: '市州本级财政科技支出', measure: { kind: 'amount', atLeast: 920, unit: '万元' } },
  { id: 't7-1', zh: '3800万元', indicator: '县(市、区)财政科技支出', measure: { kind: 'amount', atLeast: 3800, unit: '万元' } },
  { id: 't8-1', zh: '4.3亿元', indicator: '全社会研发投入(R&D)', measure: { kind: 'amount', atLeast: 4.3, unit: '亿元' } },
  { id: 't9-1', zh: '1100万元', indicator: '争取中央财政科技项目经费', measure: { kind: 'amount', atLeast: 1100, unit: '万元' } },
];

describe('seed plan: targets and their values', () => {
  test('the plan has exactly the source\'s 20 numbered commitments', () => {
    expect(allTargets(plan).map((r) => r.target.id).sort()).toEqual(EXPECTED_TARGETS.map((e) => e.id).sort());
  });

  test.each(EXPECTED_TARGETS.map((e) => [e.id, e] as const))('%s: wording, indicator, value and unit as in the source', (_id, e) => {
    const t = target(e.id);
    expect(t.text.zh).toContain(e.zh);
    const ref = allTargets(plan).find((r) => r.target.id === e.id)!;
    expect(ref.indicator.name.zh).toBe(e.indicator);
    const m = t.measure;
    expect(m.kind).toBe(e.measure.kind);
    if (e.measure.kind === 'growthPercent' || e.measure.kind === 'count' || e.measure.kind === 'amount') {
      expect((m as { atLeast: number }).atLeast).toBe(e.measure.atLeast);
    }
    if (e.measure.kind === 'count' || e.measure.kind === 'amount') {
      expect((m as { unit: { zh: string } }).unit.zh).toBe(e.measure.unit);
    }
  });

  test('the 920 万元 target is the "科技三项费" one, not the department budget', () => {
    expect(target('t6-2').text.zh).toContain('920万元');
    expect(target('t6-1').text.zh).not.toContain('920');
  });

  test('the dark-tea platform is a milestone (done or not) and the 创新创优 item a year-end declaration worth 80', () => {
    expect(target('t3-1').measure).toEqual({ kind: 'milestone' });
    expect(target('t5-1').measure).toEqual({ kind: 'declaration' });
    expect(target('t5-1').points).toBe(80);
  });
});

describe('seed plan: month windows (三.1 工作计划安排)', () => {
  const windows: [string, number, number][] = [
    ['t1-1', 1, 12], // 1-12 月份完成
    ['t1-2', 1, 12], // 1-12 月份完成
    ['t2-1a', 3, 10], // 3-10 月完成
    ['t2-1b', 3, 10], // 3-10 月完成
    ['t2-2', 3, 12], // 3-12 月完成
    ['t2-3a', 4, 12], // 4-12 月完成
    ['t2-3b', 4, 12],
    ['t2-3c', 4, 12],
    ['t3-1', 5, 11], // 5-11 月完成
    ['t3-2', 5, 11], // 5-11 月完成
    ['t3-3', 6, 12], // 6-12 月完成
    ['t4-2', 5, 12], // 5-12 月完成
    ['t4-3', 3, 12], // 3-12 月完成
    ['t5-1', 12, 12], // 年末申报
  ];
  test.each(windows)('%s runs from month %i to month %i', (id, start, end) => {
    expect(target(id).window).toEqual({ startMonth: start, endMonth: end });
  });

  test('t4-1 (11 月前完成) ends in October; its start month is a plan choice but must not be after October', () => {
    expect(target('t4-1').window.endMonth).toBe(10);
    expect(target('t4-1').window.startMonth).toBeLessThanOrEqual(10);
  });

  test('investment items (no window in the source) still have a valid window', () => {
    for (const id of ['t6-1', 't6-2', 't7-1', 't8-1', 't9-1']) {
      const w = target(id).window;
      expect(w.startMonth).toBeGreaterThanOrEqual(1);
      expect(w.endMonth).toBeLessThanOrEqual(12);
      expect(w.startMonth).toBeLessThanOrEqual(w.endMonth);
    }
  });
});

describe('seed plan: responsible offices (三.2 明确责任分工)', () => {
  const officeZh = (id: string) => plan.offices.find((o) => o.id === id)?.name.zh;

  test('the four offices named in the source exist with their Chinese names', () => {
    expect(officeZh('hi-tech-office')).toBe('高新办');
    expect(officeZh('rural-social')).toBe('农社科');
    expect(officeZh('planning')).toBe('计划科');
    expect(officeZh('achievements')).toBe('成果科');
  });

  test('高新技术产业发展: 高新办 alone', () => {
    for (const id of ['t1-1', 't1-2']) expect(target(id).offices).toEqual({ lead: 'hi-tech-office', coOwners: [] });
  });

  test('科技支撑农业与民生建设: 农社科 leads, 高新办 co-owns', () => {
    for (const id of ['t2-1a', 't2-1b', 't2-2', 't2-3a', 't2-3b', 't2-3c']) {
      expect(target(id).offices).toEqual({ lead: 'rural-social', coOwners: ['hi-tech-office'] });
    }
  });

  test('创新能力建设: 计划科 alone', () => {
    for (const id of ['t3-1', 't3-2', 't3-3']) expect(target(id).offices).toEqual({ lead: 'planning', coOwners: [] });
  });

  test('产学研协同创新: 高新办 leads, 成果科 co-owns', () => {
    for (const id of ['t4-1', 't4-2', 't4-3']) {
      expect(target(id).offices).toEqual({ lead: 'hi-tech-office', coOwners: ['achievements'] });
    }
  });

  test('targets for which the source names no office still have a known lead office', () => {
    const ids = new Set(plan.offices.map((o) => o.id));
    for (const id of ['t5-1', 't6-1', 't6-2', 't7-1', 't8-1', 't9-1']) expect(ids.has(target(id).offices.lead)).toBe(true);
  });

  test('indicators group the targets as the source does', () => {
    expect(indicatorByZh('高新技术产业发展').targets.map((t) => t.id)).toEqual(['t1-1', 't1-2']);
    expect(indicatorByZh('创新能力建设').targets.map((t) => t.id)).toEqual(['t3-1', 't3-2', 't3-3']);
    expect(indicatorByZh('产学研协同创新').targets.map((t) => t.id)).toEqual(['t4-1', 't4-2', 't4-3']);
    expect(indicatorByZh('市州本级财政科技支出').targets.map((t) => t.id)).toEqual(['t6-1', 't6-2']);
  });
});
