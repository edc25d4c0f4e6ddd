/**
 * The performance plan (绩效计划书): one unit's signed plan for one year.
 *
 * Every record that crosses a boundary has one zod schema here and its
 * TypeScript type is `z.infer` of it. Pure and deterministic: this module is
 * imported by workflow code, so it must not touch Node built-ins.
 */
import { z } from 'zod';
import { isValidIanaZone } from './time';

export const gradeIds = ['excellent', 'good', 'pass', 'unqualified'] as const;
export type GradeId = (typeof gradeIds)[number];

/**
 * The schemas are built on first use, not when the module loads: workflow code imports this module
 * for its types and helpers, and schemas built at load cost every workflow thread (and, before the
 * domain was preloaded, every run) about 300 KiB and CPU at start. A process that never parses a
 * plan never builds them.
 */
function buildPlanSchemas() {
  /** Unknown fields in a plan are typos: reject them rather than drop them silently. */
  const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

  const id = z
    .string()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, e.g. "hi-tech-office"');

  const email = z.string().email('is not a valid e-mail address (expected name@example.org)');

  const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');

  const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day written HH:MM (24h)');

  const month = z
    .number({ invalid_type_error: 'must be a month number 1-12' })
    .int('must be a whole month number 1-12')
    .min(1, 'months run from 1 to 12')
    .max(12, 'months run from 1 to 12');

  const points = z
    .number({ invalid_type_error: 'must be a number of points' })
    .finite('must be a finite number')
    .nonnegative('points cannot be negative')
    .max(10_000, 'is absurdly large for a points value');

  /** A name in Chinese (as in the source) and English. */
  const bilingualName = obj({
    zh: z.string().min(1).max(200),
    en: z.string().min(1).max(200),
  });

  /** 单位: the unit (bureau) whose plan it is. */
  const unitSchema = obj({
    id,
    name: bilingualName,
  });

  /** 签章: the three signature blocks in the plan's header (厅长 / 责任单位 / 责任人). */
  const signatoriesSchema = obj({
    departmentHead: z.string().min(1).max(200),
    responsibleUnit: z.string().min(1).max(200),
    responsiblePerson: z.string().min(1).max(200),
    signedOn: isoDate.optional(),
  });

  /** 科室: a responsible office inside the unit (高新办, 农社科 …). */
  const officeSchema = obj({
    id,
    name: bilingualName,
    /** The person who files the office's reports. */
    contact: obj({ personId: id, name: z.string().min(1).max(100), email }),
    /** The office head, copied on overdue notices. */
    head: obj({ personId: id, name: z.string().min(1).max(100), email }),
  });

  /** 绩效考核小组: the assessment group and its roles (组长 / 副组长 / 成员). */
  const personSchema = obj({
    personId: id,
    name: z.string().min(1).max(100),
    role: z.string().min(1).max(100),
    email,
  });

  const assessmentGroupSchema = obj({
    leader: personSchema,
    deputy: personSchema.optional(),
    members: z.array(personSchema).default([]),
    /** personIds allowed to approve or return quarterly reports and verify values. */
    approvers: z.array(id).min(1, 'at least one person must be allowed to approve quarterly checks'),
    /** personIds allowed to trigger and finalise the year-end appraisal (the bureau). */
    appraisalTriggerers: z.array(id).min(1, 'at least one person must be allowed to trigger the appraisal'),
  });

  /** What a target measures and the value it commits to. */
  const measureSchema = z.discriminatedUnion('kind', [
    /** "增幅保持在 x% 以上": growth in per cent, at least `atLeast`. */
    obj({ kind: z.literal('growthPercent'), atLeast: z.number().finite().positive().max(10_000) }),
    /** "5 项", "10 个": a count of things, at least `atLeast`, in `unit`. */
    obj({
      kind: z.literal('count'),
      atLeast: z.number().int('a count target must be a whole number').positive().max(1_000_000),
      unit: bilingualName,
    }),
    /** "267.9 万元": an amount of money, at least `atLeast`, in `unit`. */
    obj({
      kind: z.literal('amount'),
      atLeast: z.number().finite().positive().max(1e12),
      unit: bilingualName,
    }),
    /** "推进 … 平台建设": a milestone, done or not (progress may be reported 0..1). */
    obj({ kind: z.literal('milestone') }),
    /** "年末申报": points declared at year-end and verified by the group. */
    obj({ kind: z.literal('declaration') }),
  ]);

  /** 1-12月完成, 11月前完成 (end month 10), 年末申报 (12-12). */
  const windowSchema = obj({ startMonth: month, endMonth: month });

  /** (1)(2)(3) under an indicator: one measurable commitment. */
  const targetSchema = obj({
    id,
    text: bilingualName,
    measure: measureSchema,
    window: windowSchema,
    /** Lead office first; co-owners may also report progress. */
    offices: obj({ lead: id, coOwners: z.array(id).default([]) }),
    /** This target's share of its indicator's points. */
    points,
    /** Where the seed is silent, the plan says so here (shown in reports). */
    note: z.string().max(2000).optional(),
  });

  /** 高新技术产业发展 (100 分) …: a scored item under a category. */
  const indicatorSchema = obj({
    id,
    name: bilingualName,
    points,
    targets: z.array(targetSchema).min(1, 'an indicator needs at least one target'),
    note: z.string().max(2000).optional(),
  });

  /** 工作业绩 (480), 科技投入与保障 (200): a top-level block of points. */
  const categorySchema = obj({
    id,
    name: bilingualName,
    points,
    indicators: z.array(indicatorSchema).min(1, 'a category needs at least one indicator'),
  });

  /** How a partial result scores. */
  const scoringRuleSchema = z.discriminatedUnion('kind', [
    /** Points in proportion to the achieved fraction, capped at the full share. */
    obj({ kind: z.literal('proportional') }),
    /** Full points when the target is met, none otherwise. */
    obj({ kind: z.literal('allOrNothing') }),
    /** Steps: the highest step whose `atLeast` fraction is reached gives `pointsFraction`. */
    obj({
      kind: z.literal('steps'),
      steps: z
        .array(
          obj({
            atLeast: z.number().finite().min(0).max(10),
            pointsFraction: z.number().finite().min(0).max(1),
          }),
        )
        .min(1),
    }),
  ]);


  const scoringSchema = obj({
    defaultRule: scoringRuleSchema,
    /** Per-target exceptions to the default rule. */
    ruleByTarget: z.record(id, scoringRuleSchema).default({}),
    /**
     * Grade bands as fractions of the plan's maximum, highest first; the lowest
     * band must be `unqualified` with `atLeast` 0.
     */
    grades: z
      .array(
        obj({
          id: z.enum(gradeIds),
          name: bilingualName,
          atLeast: z.number().finite().min(0).max(1),
        }),
      )
      .min(2),
    /** 不合格 … 不能评先评优: grades that make the unit ineligible for excellence. */
    ineligibleForExcellence: z.array(z.enum(gradeIds)).min(1),
    /** Which value counts when the leader has not verified a reported one. */
    unverifiedValues: z.enum(['acceptReported', 'zero']),
  });

  /** When things happen. Working days follow the plan's calendar. */
  const cadenceSchema = obj({
    /** 每月底工作调度: the dispatch day, by default the last working day of the month. */
    monthEndDispatch: obj({
      day: z.union([z.literal('lastWorkingDay'), z.number().int().min(1).max(28)]),
      time: hhmm,
    }),
    /** Monthly reports are due this many working days after the dispatch, at `time`. */
    reportDeadline: obj({ workingDaysAfterDispatch: z.number().int().min(1).max(20), time: hhmm }),
    /** 催办: a reminder before the deadline, an overdue notice and an escalation after it. */
    chasing: obj({
      reminderWorkingDaysBeforeDeadline: z.number().int().min(0).max(10),
      overdueNoticeWorkingDaysAfterDeadline: z.number().int().min(0).max(10),
      escalationWorkingDaysAfterDeadline: z.number().int().min(1).max(20),
      time: hhmm,
    }),
    /** 每季度工作督查: reports filed in the quarter's last month are quarterly reports needing approval. */
    quarterlyCheck: obj({
      /** A returned report is due again this many working days after the return. */
      resubmitWorkingDays: z.number().int().min(1).max(20),
      /** The check closes itself with missing reports recorded this many working days after the deadline. */
      autoCloseWorkingDaysAfterDeadline: z.number().int().min(1).max(60),
    }),
    /** 每半年工作点评: sent when the Q2 check closes, at the latest this many working days after the June deadline. */
    halfYearReview: obj({ latestWorkingDaysAfterJuneDeadline: z.number().int().min(0).max(60) }),
    /** 年底全面考评考核: final values are due this many working days after the appraisal starts; it closes after `closeWorkingDaysAfterStart`. */
    yearEndAppraisal: obj({
      finalReportWorkingDays: z.number().int().min(1).max(30),
      closeWorkingDaysAfterStart: z.number().int().min(1).max(90),
    }),
  });

  /** Public holidays and make-up working days (调休). */
  const calendarSchema = obj({
    /** Where holidays come from: the `chinese-days` data package, or only the plan's own lists. */
    source: z.enum(['chinese-days', 'plan-only']),
    /** Days off that the plan adds or that override the source. */
    extraHolidays: z.array(isoDate).default([]),
    /** Make-up working days (调休 上班) that the plan adds. */
    extraWorkingDays: z.array(isoDate).default([]),
  });

  /**
   * 年终预测: how the year-end value of a target is projected from the progress so far.
   * `linear`: the reported value divided by the elapsed share of the target's window (counts are paced in whole
   * items); `lastValue`: the reported value as it stands. Milestones always use `lastValue`; declarations are
   * unknown until declared. Absent: `linear` for every count, amount and growth target.
   */
  const projectionMethod = z.enum(['linear', 'lastValue']);
  const projectionSchema = obj({
    method: projectionMethod.default('linear'),
    /** Per-target exceptions, e.g. a growth rate reported year-to-date: `lastValue`. */
    methodByTarget: z.record(id, projectionMethod).default({}),
  });

  /**
   * 预警: traffic lights and the warning mail (预警通知). A target is amber when its pace (reported value over the
   * value expected by its pro-rata share) is short by more than `amberTolerance`, red when short by more than
   * `redTolerance` or when its window ended unachieved. The unit is warned when its projected grade falls to
   * `warnGrade` or below. Absent: amberTolerance 0.1, redTolerance 0.25, warnGrade "unqualified".
   */
  const warningSchema = obj({
    amberTolerance: z.number().finite().min(0).max(1).default(0.1),
    redTolerance: z.number().finite().min(0).max(1).default(0.25),
    warnGrade: z.enum(gradeIds).default('unqualified'),
  });

  /** The plan as written in a plan file (before the calendar is resolved). */
  const planFileSchema = obj({
    schemaVersion: z.literal(1),
    /** Plan version: a running version is immutable; a change is a new version. */
    planVersion: z.string().min(1).max(40),
    unit: unitSchema,
    year: z.number().int('year must be a whole number').min(2000).max(2100),
    timeZone: z.string().refine(isValidIanaZone, 'is not a known IANA time zone (e.g. "Asia/Shanghai")').default('Asia/Shanghai'),
    signatories: signatoriesSchema,
    offices: z.array(officeSchema).min(1, 'a plan needs at least one office'),
    assessmentGroup: assessmentGroupSchema,
    categories: z.array(categorySchema).min(1),
    /** The plan's total; must equal the sum of its categories (680 in the seed). */
    totalPoints: points,
    scoring: scoringSchema,
    cadence: cadenceSchema,
    calendar: calendarSchema,
    /** Person ids allowed to add comments to the half-year review (the leader always may). */
    reviewCommenters: z.array(id).default([]),
    /** Optional (plans written before early warning have neither): see projectionSchema and warningSchema. */
    projection: projectionSchema.optional(),
    warning: warningSchema.optional(),
  });

  /** The plan's year resolved to plain data: what the workflow receives. */
  const resolvedCalendarSchema = obj({
    /** Days off (ISO dates) that fall on weekdays or weekends alike. */
    holidays: z.array(isoDate),
    /** Weekend days that are working days. */
    workingDays: z.array(isoDate),
    /** Where the lists came from, e.g. "chinese-days@1.5.7 + plan". */
    provenance: z.string(),
    /** Years whose holidays the lists cover (from the data package or the plan); absent in plans loaded by older code. */
    coveredYears: z.array(z.number().int()).optional(),
  });

  const planSchema = planFileSchema.extend({ resolvedCalendar: resolvedCalendarSchema });
  return { bilingualName, unitSchema, signatoriesSchema, officeSchema, personSchema, assessmentGroupSchema, measureSchema, windowSchema, targetSchema, indicatorSchema, categorySchema, scoringRuleSchema, scoringSchema, cadenceSchema, calendarSchema, projectionMethod, projectionSchema, warningSchema, planFileSchema, resolvedCalendarSchema, planSchema };
}

type PlanSchemas = ReturnType<typeof buildPlanSchemas>;
let built: PlanSchemas | undefined;
/** Every plan schema, built once per worker thread or process, into this closure (the SDK freezes a preloaded module's exports). */
export function planSchemas(): PlanSchemas {
  return (built ??= buildPlanSchemas());
}

/** The plan as written in a plan file (before the calendar is resolved). */
export const planFileSchema = z.lazy(() => planSchemas().planFileSchema);
/** The plan with its year resolved to plain data: what the workflow receives. */
export const planSchema = z.lazy(() => planSchemas().planSchema);
export type ProjectionSettings = z.infer<PlanSchemas['projectionSchema']>;
export type WarningSettings = z.infer<PlanSchemas['warningSchema']>;
export type PlanFile = z.infer<typeof planFileSchema>;
export type Plan = z.infer<typeof planSchema>;
export type Office = z.infer<PlanSchemas['officeSchema']>;
export type Person = z.infer<PlanSchemas['personSchema']>;
export type Category = z.infer<PlanSchemas['categorySchema']>;
export type Indicator = z.infer<PlanSchemas['indicatorSchema']>;
export type Target = z.infer<PlanSchemas['targetSchema']>;
export type Measure = z.infer<PlanSchemas['measureSchema']>;
export type ScoringRule = z.infer<PlanSchemas['scoringRuleSchema']>;

/** A problem found in a plan, with the JSON path it was found at. */
export interface PlanIssue {
  path: (string | number)[];
  message: string;
}

/** Flattened targets with their place in the plan. */
export interface TargetRef {
  category: Category;
  indicator: Indicator;
  target: Target;
}

export function allTargets(plan: Pick<PlanFile, 'categories'>): TargetRef[] {
  const out: TargetRef[] = [];
  for (const category of plan.categories) {
    for (const indicator of category.indicators) {
      for (const target of indicator.targets) out.push({ category, indicator, target });
    }
  }
  return out;
}

export function officesOf(target: Target): string[] {
  return [target.offices.lead, ...target.offices.coOwners];
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function formatPath(path: (string | number)[]): string {
  if (path.length === 0) return '(plan)';
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}
