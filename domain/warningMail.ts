/**
 * The words of the 预警通知 (early warning) and its recovery notice: the
 * numbers behind the light (expected by now, reported, year-end projection)
 * and what to do about it. Composed from the same projection as the status.
 */
import type { CycleState, MailIntent } from './cycle';
import type { MailBody } from './mail';
import { pagePath } from './links';
import { allTargets, round2, type Plan } from './plan';
import type { LightReason, TargetProjection } from './projection';
import { cycleProjection } from './warnings';

const LIGHT_ZH: Record<string, string> = { red: '红灯 red', amber: '黄灯 amber', green: '绿灯 green', unknown: '未知 unknown' };
const REASON: Record<LightReason, string> = {
  onCourse: '进度正常 on course',
  achieved: '已完成 achieved',
  declared: '已申报 declared',
  behind: '落后于时间进度 behind its pro-rata share',
  projectedMiss: '按当前进度年底无法完成 projected to miss',
  windowEnded: '时限已到仍未完成 window ended unachieved',
  overdue: '报告逾期 report overdue',
  noReport: '尚无报告 no report yet',
  beforeAdoption: '启用前 before adoption',
};

export function describeReasons(reasons: LightReason[]): string {
  return reasons.map((r) => REASON[r]).join('; ');
}

const n = (v: number | null) => (v === null ? '—' : String(round2(v)));

function rows(plan: Plan, list: TargetProjection[]): string[][] {
  const byId = new Map(allTargets(plan).map((r) => [r.target.id, r.target]));
  return list.map((t) => [
    t.targetId,
    byId.get(t.targetId)?.text.zh ?? '',
    n(t.goal),
    n(t.expectedNow),
    t.reported === null ? '—' : `${n(t.reported)} (${t.reportedFor})`,
    n(t.projectedValue),
    t.projectedPoints === null ? '—' : `${t.projectedPoints} / ${t.maxPoints}`,
    `${LIGHT_ZH[t.light]}: ${describeReasons(t.reasons)}`,
  ]);
}

const HEAD = ['编号 id', '目标 target', '目标值 goal', '应完成 expected by now', '已报 reported', '年底预测 projected', '预测得分 points', '灯 light'];

/** Recipients and body of a warning or recovery mail. */
export function warningMail(plan: Plan, state: CycleState, intent: MailIntent, now: number): { to: string[]; cc: string[]; body: MailBody } {
  const summary = cycleProjection(plan, state, now);
  const leader = plan.assessmentGroup.leader;
  const u = summary.unit;
  const unitLine = `全单位年底预测 Unit projection: ${u.estimate} / ${u.maxPoints} (${round2(u.fraction * 100)}% of the ${u.ofPoints} points that can be projected so far), ${u.gradeName}`;
  const warning = intent.kind === 'warning';
  if (intent.officeId === 'group') {
    const group = plan.assessmentGroup;
    const red = summary.targets.filter((t) => t.light === 'red');
    return {
      to: [leader.email],
      cc: [...(group.deputy ? [group.deputy.email] : []), ...group.members.map((m) => m.email)],
      body: {
        lines: [
          `${leader.name} 组长：`,
          warning
            ? `按当前进度，本单位年度考评预计为 ${u.gradeName}，已降至预警等次。At the current pace the unit's appraisal is projected at ${u.gradeName}: at or below the plan's warning grade.`
            : `本单位年度考评预测已回升至 ${u.gradeName}，预警解除。The unit's projected grade is back above the warning grade: ${u.gradeName}.`,
          unitLine,
          warning ? '请督促红灯指标的责任科室制定补救措施。Please have the offices responsible for the red targets below set out how they will catch up.' : '',
        ],
        table: red.length ? { head: HEAD, rows: rows(plan, red) } : undefined,
        link: { label: '督办看板 Open the board', path: pagePath.board(plan.unit.id, plan.year) },
      },
    };
  }
  const office = plan.offices.find((o) => o.id === intent.officeId);
  if (!office) throw new Error(`no office ${intent.officeId} for a ${intent.kind} mail`);
  const subjects = new Set(intent.subjects ?? []);
  const list = summary.targets.filter((t) => subjects.has(t.targetId));
  return {
    to: [office.contact.email],
    cc: [office.head.email, leader.email],
    body: {
      lines: [
        `${office.name.zh} (${office.name.en})：`,
        warning
          ? `以下指标亮红灯：按已报送的进度，年底预计无法完成目标。The targets below turned red: at the pace reported so far they will miss their goal.`
          : `以下指标已恢复正常进度，预警解除。The targets below are back on course; the warning is lifted.`,
        unitLine,
      ],
      table: { head: HEAD, rows: rows(plan, list) },
      after: warning
        ? ['请核实进度，在下次月底调度前报送最新完成情况及补救措施；如已完成但未报送，请立即补报。Please check the figures and, before the next month-end dispatch, report the latest progress and how you will catch up; if the work is done but not reported, report it now.']
        : [],
      link: { label: '本科室页面 Your office page', path: pagePath.office(plan.unit.id, plan.year, office.id) },
    },
  };
}
