/**
 * The rules a plan must keep beyond its schema (sums of points, references
 * between offices and targets, windows, grade bands, calendar contradictions),
 * and parsing a plan into either a checked plan or every problem with its path.
 */
import type { z } from 'zod';
import { allTargets, formatPath, officesOf, planFileSchema, planSchema, round2, type PlanFile, type PlanIssue, type ScoringRule } from './plan';

const EPS = 1e-6;

/**
 * The checks that zod's shape cannot express: sums, references, duplicates,
 * windows, grade bands, calendar contradictions. Each issue names its path.
 */
export function checkPlanRules(plan: PlanFile): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });

  const officeIds = new Set<string>();
  plan.offices.forEach((o, i) => {
    if (officeIds.has(o.id)) add(['offices', i, 'id'], `duplicate office id "${o.id}": give each office its own id`);
    officeIds.add(o.id);
  });

  const group = plan.assessmentGroup;
  const groupIds = new Set<string>();
  const groupPeople: [(string | number)[], { personId: string }][] = [[['assessmentGroup', 'leader'], group.leader]];
  if (group.deputy) groupPeople.push([['assessmentGroup', 'deputy'], group.deputy]);
  group.members.forEach((m, i) => groupPeople.push([['assessmentGroup', 'members', i], m]));
  for (const [path, p] of groupPeople) {
    if (groupIds.has(p.personId)) add([...path, 'personId'], `person "${p.personId}" appears twice in the assessment group: list each person once`);
    groupIds.add(p.personId);
  }
  const checkRoleList = (key: 'approvers' | 'appraisalTriggerers') =>
    group[key].forEach((pid, i) => {
      if (!groupIds.has(pid)) {
        add(['assessmentGroup', key, i], `"${pid}" is not a member of the assessment group: add them to leader/deputy/members or remove them here`);
      }
    });
  checkRoleList('approvers');
  checkRoleList('appraisalTriggerers');
  plan.reviewCommenters.forEach((pid, i) => {
    if (!groupIds.has(pid)) add(['reviewCommenters', i], `"${pid}" is not a member of the assessment group`);
  });

  const ids = new Map<string, string>();
  const claim = (kind: string, value: string, path: (string | number)[]) => {
    const prev = ids.get(value);
    if (prev) add(path, `duplicate id "${value}" (${kind}); it is already used at ${prev}: ids must be unique across categories, indicators and targets`);
    else ids.set(value, path.join('.'));
  };

  let categorySum = 0;
  plan.categories.forEach((c, ci) => {
    claim('category', c.id, ['categories', ci, 'id']);
    categorySum += c.points;
    let indicatorSum = 0;
    c.indicators.forEach((ind, ii) => {
      const ipath = ['categories', ci, 'indicators', ii];
      claim('indicator', ind.id, [...ipath, 'id']);
      indicatorSum += ind.points;
      let targetSum = 0;
      ind.targets.forEach((t, ti) => {
        const tpath = [...ipath, 'targets', ti];
        claim('target', t.id, [...tpath, 'id']);
        targetSum += t.points;
        if (t.window.startMonth > t.window.endMonth) {
          add([...tpath, 'window'], `window starts in month ${t.window.startMonth} after it ends in month ${t.window.endMonth}: swap them or fix the months`);
        }
        if (!officeIds.has(t.offices.lead)) {
          add([...tpath, 'offices', 'lead'], `unknown office "${t.offices.lead}": use one of ${[...officeIds].join(', ')}`);
        }
        t.offices.coOwners.forEach((o, oi) => {
          if (!officeIds.has(o)) add([...tpath, 'offices', 'coOwners', oi], `unknown office "${o}": use one of ${[...officeIds].join(', ')}`);
          if (o === t.offices.lead) add([...tpath, 'offices', 'coOwners', oi], `office "${o}" is already the lead office of this target`);
        });
        const rule = plan.scoring.ruleByTarget[t.id];
        if (t.measure.kind === 'declaration' && rule && rule.kind !== 'proportional') {
          add(['scoring', 'ruleByTarget', t.id], 'a declaration target is scored by its verified points; only the proportional rule applies');
        }
      });
      if (Math.abs(targetSum - ind.points) > EPS) {
        add([...ipath, 'points'], `indicator "${ind.id}" has ${ind.points} points but its targets add up to ${round2(targetSum)}: make the targets' points add up to the indicator's`);
      }
    });
    if (Math.abs(indicatorSum - c.points) > EPS) {
      add(['categories', ci, 'points'], `category "${c.id}" has ${c.points} points but its indicators add up to ${round2(indicatorSum)}: make them agree`);
    }
  });
  if (Math.abs(categorySum - plan.totalPoints) > EPS) {
    add(['totalPoints'], `totalPoints is ${plan.totalPoints} but the categories add up to ${round2(categorySum)}: make them agree`);
  }
  const targetIds = new Set(allTargets(plan).map((r) => r.target.id));
  for (const tid of Object.keys(plan.scoring.ruleByTarget)) {
    if (!targetIds.has(tid)) add(['scoring', 'ruleByTarget', tid], `no target has the id "${tid}": remove this rule or fix the id`);
  }
  plan.offices.forEach((o, i) => {
    if (!allTargets(plan).some((r) => officesOf(r.target).includes(o.id))) {
      add(['offices', i, 'id'], `office "${o.id}" is responsible for no target: give it a target or remove it`);
    }
  });

  const grades = plan.scoring.grades;
  for (let i = 1; i < grades.length; i++) {
    if (grades[i].atLeast >= grades[i - 1].atLeast) {
      add(['scoring', 'grades', i, 'atLeast'], 'grade bands must be listed highest first with strictly falling thresholds');
    }
  }
  const last = grades[grades.length - 1];
  if (last.id !== 'unqualified' || last.atLeast !== 0) {
    add(['scoring', 'grades', grades.length - 1], 'the lowest grade band must be "unqualified" with atLeast 0, so every score has a grade');
  }
  const gradeSeen = new Set<string>();
  grades.forEach((g, i) => {
    if (gradeSeen.has(g.id)) add(['scoring', 'grades', i, 'id'], `grade "${g.id}" is listed twice`);
    gradeSeen.add(g.id);
  });
  if (!plan.scoring.ineligibleForExcellence.includes('unqualified')) {
    add(['scoring', 'ineligibleForExcellence'], 'the consequence rule (不合格 … 不能评先评优) requires "unqualified" to be listed here');
  }
  plan.scoring.ineligibleForExcellence.forEach((g, i) => {
    if (!gradeSeen.has(g)) add(['scoring', 'ineligibleForExcellence', i], `grade "${g}" is not one of the grade bands`);
  });
  const rules: [string, ScoringRule][] = [['defaultRule', plan.scoring.defaultRule], ...Object.entries(plan.scoring.ruleByTarget)];
  for (const [key, rule] of rules) {
    if (rule.kind === 'steps') {
      for (let i = 1; i < rule.steps.length; i++) {
        if (rule.steps[i].atLeast <= rule.steps[i - 1].atLeast || rule.steps[i].pointsFraction < rule.steps[i - 1].pointsFraction) {
          const path = key === 'defaultRule' ? ['scoring', 'defaultRule', 'steps', i] : ['scoring', 'ruleByTarget', key, 'steps', i];
          add(path, 'steps must be listed lowest first, each with a higher atLeast and no lower pointsFraction than the one before');
        }
      }
    }
  }

  if (plan.warning && plan.warning.redTolerance < plan.warning.amberTolerance) {
    add(['warning', 'redTolerance'], 'redTolerance must be at least amberTolerance: a target turns amber before it turns red');
  }
  for (const tid of Object.keys(plan.projection?.methodByTarget ?? {})) {
    if (!targetIds.has(tid)) add(['projection', 'methodByTarget', tid], `no target has the id "${tid}": remove this entry or fix the id`);
  }

  const yearPrefix = `${plan.year}-`;
  const holidays = new Set(plan.calendar.extraHolidays);
  plan.calendar.extraWorkingDays.forEach((d, i) => {
    if (holidays.has(d)) add(['calendar', 'extraWorkingDays', i], `${d} is listed both as a holiday and as a working day: keep it in one list only`);
  });
  // The appraisal runs on into the next year's first quarter, so its holidays may be listed too.
  const lastDay = `${plan.year + 1}-03-31`;
  (['extraHolidays', 'extraWorkingDays'] as const).forEach((key) =>
    plan.calendar[key].forEach((d, i) => {
      if (!d.startsWith(yearPrefix) && !(d.startsWith(`${plan.year + 1}-`) && d <= lastDay)) {
        add(['calendar', key, i], `${d} is outside the plan year ${plan.year} and the first quarter of ${plan.year + 1} (when the appraisal runs on)`);
      } else if (!isRealDate(d)) add(['calendar', key, i], `${d} is not a real calendar date`);
    }),
  );
  return issues;
}

function isRealDate(d: string): boolean {
  const [y, m, day] = d.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, day));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === day;
}

/** Parse and check a plan-file object. Returns every problem, or the plan. */
export function parsePlanFile(raw: unknown): { ok: true; plan: PlanFile } | { ok: false; issues: PlanIssue[] } {
  const parsed = planFileSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: i.path, message: zodMessage(i) })),
    };
  }
  const issues = checkPlanRules(parsed.data);
  return issues.length ? { ok: false, issues } : { ok: true, plan: parsed.data };
}

function zodMessage(i: z.ZodIssue): string {
  if (i.code === 'invalid_type' && i.received === 'undefined') return `is missing: add it (expected ${i.expected})`;
  // Keep the schema's own words (e.g. "must be a whole month number 1-12"); replace only zod's default text.
  if (i.code === 'invalid_type' && /^Expected /.test(i.message)) return `has the wrong type: expected ${i.expected}, got ${i.received}`;
  if (i.code === 'invalid_type') return `${i.message}, got ${i.received}`;
  if (i.code === 'unrecognized_keys') return `has unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}: remove them or check the spelling`;
  if (i.code === 'invalid_union_discriminator') return `has an unknown kind: use one of ${i.options.map((o) => `"${String(o)}"`).join(', ')}`;
  return i.message;
}

/** Every problem of a plan that did not come through the plan loader, as one line; undefined when valid. */
export function planProblems(plan: unknown): string | undefined {
  const parsed = planSchema.safeParse(plan);
  const issues = parsed.success ? checkPlanRules(parsed.data) : parsed.error.issues.map((i) => ({ path: i.path, message: i.message }));
  return issues.length ? issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ') : undefined;
}
