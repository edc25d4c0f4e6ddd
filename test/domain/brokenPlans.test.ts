/**
 * A catalogue of broken plans. Each is the seed plan with one thing broken;
 * loading it must throw a PlanError whose issues name the path of the
 * problem and say what is wrong, with the line where the file is YAML.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { loadPlan, loadPlanText, PlanError, type LocatedIssue } from '../../client/planLoader';
import { formatPath } from '../../domain/plan';
import { maxScore } from '../../domain/scoring';
import { SEED_PLAN_PATH } from '../../infra/paths';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Raw = any;

const seedText = readFileSync(SEED_PLAN_PATH, 'utf8');
const seedRaw: Raw = YAML.parse(seedText);

function mutated(fn: (p: Raw) => void): Raw {
  const p = structuredClone(seedRaw);
  fn(p);
  return p;
}

/** Run `load` and return the PlanError's issues; fail if it loads or throws anything else. */
function issuesOf(load: () => unknown): LocatedIssue[] {
  let err: unknown;
  try {
    load();
  } catch (e) {
    err = e;
  }
  if (err === undefined) throw new Error('expected a PlanError, but the plan loaded');
  expect(err).toBeInstanceOf(PlanError);
  return (err as PlanError).issues;
}

function describeIssues(issues: LocatedIssue[]): string {
  return issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('\n');
}

/** The issue at exactly `p` (formatted) whose message matches `message`. */
function findIssue(issues: LocatedIssue[], p: string, message: RegExp): LocatedIssue {
  const hit = issues.find((i) => formatPath(i.path) === p && message.test(i.message));
  if (!hit) throw new Error(`no issue at ${p} matching ${message}; got:\n${describeIssues(issues)}`);
  return hit;
}

interface BrokenCase {
  name: string;
  mutate: (p: Raw) => void;
  /** The formatted path of the issue, exactly. */
  path: string;
  message: RegExp;
  /** A fragment the reported YAML line must contain (when the key exists in the file). */
  lineHas?: string;
  /** Paths that must NOT be reported (the problem is pinned to the right level). */
  notAt?: string[];
}

const T0 = 'categories[0].indicators[0].targets[0]';
const AGRI0 = 'categories[0].indicators[1].targets[0]';

const CATALOGUE: BrokenCase[] = [
  // --- points that do not add up ---
  {
    name: "target points do not add up to the indicator's",
    mutate: (p) => (p.categories[0].indicators[0].targets[0].points = 40),
    path: 'categories[0].indicators[0].points',
    message: /has 100 points but its targets add up to 90/,
    lineHas: 'points: 100',
    notAt: ['categories[0].points', 'totalPoints'],
  },
  {
    name: "indicator points do not add up to the category's",
    mutate: (p) => {
      p.categories[0].indicators[0].points = 90;
      p.categories[0].indicators[0].targets[0].points = 40;
    },
    path: 'categories[0].points',
    message: /category "work-results" has 480 points but its indicators add up to 470/,
    lineHas: 'points: 480',
    notAt: ['categories[0].indicators[0].points', 'totalPoints'],
  },
  {
    name: 'categories do not add up to totalPoints',
    mutate: (p) => (p.totalPoints = 700),
    path: 'totalPoints',
    message: /totalPoints is 700 but the categories add up to 680/,
    lineHas: 'totalPoints: 700',
    notAt: ['categories[0].points', 'categories[1].points'],
  },
  {
    name: "investment indicators do not add up to the category's 200",
    mutate: (p) => {
      p.categories[1].indicators[3].points = 40;
      p.categories[1].indicators[3].targets[0].points = 40;
    },
    path: 'categories[1].points',
    message: /has 200 points but its indicators add up to 190/,
  },
  // --- references to offices ---
  {
    name: 'unknown lead office (typo)',
    mutate: (p) => (p.categories[0].indicators[0].targets[0].offices.lead = 'hi-tech-ofice'),
    path: `${T0}.offices.lead`,
    message: /unknown office "hi-tech-ofice": use one of .*hi-tech-office/,
    lineHas: 'lead: hi-tech-ofice',
  },
  {
    name: 'unknown co-owner office',
    mutate: (p) => (p.categories[0].indicators[1].targets[0].offices.coOwners = ['hi-tech-office', 'finance']),
    path: `${AGRI0}.offices.coOwners[1]`,
    message: /unknown office "finance"/,
    lineHas: 'finance',
  },
  {
    name: 'a co-owner that is also the lead',
    mutate: (p) => (p.categories[0].indicators[1].targets[0].offices.coOwners = ['rural-social']),
    path: `${AGRI0}.offices.coOwners[0]`,
    message: /"rural-social" is already the lead office/,
  },
  {
    name: 'a target with no lead office',
    mutate: (p) => delete p.categories[0].indicators[0].targets[0].offices.lead,
    path: `${T0}.offices.lead`,
    message: /is missing/,
  },
  {
    name: 'an office responsible for no target',
    mutate: (p) =>
      p.offices.push({
        ...structuredClone(p.offices[0]),
        id: 'idle-office',
        name: { zh: '闲置办', en: 'Idle office' },
      }),
    path: 'offices[4].id',
    message: /office "idle-office" is responsible for no target/,
  },
  // --- duplicate ids ---
  {
    name: 'duplicate office id',
    mutate: (p) => (p.offices[3].id = 'planning'),
    path: 'offices[3].id',
    message: /duplicate office id "planning"/,
    lineHas: 'id: planning',
  },
  {
    name: 'duplicate target id',
    mutate: (p) => (p.categories[0].indicators[0].targets[1].id = 't1-1'),
    path: 'categories[0].indicators[0].targets[1].id',
    message: /duplicate id "t1-1" \(target\); it is already used at categories\.0\.indicators\.0\.targets\.0\.id/,
    lineHas: 'id: t1-1',
  },
  {
    name: 'duplicate indicator id',
    mutate: (p) => (p.categories[1].indicators[1].id = 'municipal-fiscal'),
    path: 'categories[1].indicators[1].id',
    message: /duplicate id "municipal-fiscal" \(indicator\)/,
  },
  {
    name: 'a category id reused by an indicator',
    mutate: (p) => (p.categories[1].id = 'hi-tech-industry'),
    path: 'categories[1].id',
    message: /duplicate id "hi-tech-industry" \(category\)/,
  },
  {
    name: 'the same person twice in the assessment group',
    mutate: (p) => (p.assessmentGroup.members[0].personId = 'yang-yaowu'),
    path: 'assessmentGroup.members[0].personId',
    message: /person "yang-yaowu" appears twice/,
  },
  // --- month windows ---
  {
    name: 'month 0',
    mutate: (p) => (p.categories[0].indicators[0].targets[0].window.startMonth = 0),
    path: `${T0}.window.startMonth`,
    message: /months run from 1 to 12/,
    lineHas: 'startMonth: 0',
  },
  {
    name: 'month 13',
    mutate: (p) => (p.categories[0].indicators[0].targets[0].window.endMonth = 13),
    path: `${T0}.window.endMonth`,
    message: /months run from 1 to 12/,
    lineHas: 'endMonth: 13',
  },
  {
    name: 'a fractional month',
    mutate: (p) => (p.categories[0].indicators[0].targets[0].window.endMonth = 6.5),
    path: `${T0}.window.endMonth`,
    // zodMessage() rewrites zod's invalid_type issue, so the schema's own
    // "must be a whole month number" text is not what the user sees.
    message: /integer|whole/,
  },
  {
    name: 'a window that starts after it ends',
    mutate: (p) => (p.categories[0].indicators[2].targets[0].window = { startMonth: 11, endMonth: 5 }),
    path: 'categories[0].indicators[2].targets[0].window',
    message: /starts in month 11 after it ends in month 5/,
    // A block map's line is that of its first entry (the line below "window:").
    lineHas: 'startMonth: 11',
  },
  // --- addresses, zones ---
  {
    name: "an office contact's bad e-mail address",
    mutate: (p) => (p.offices[0].contact.email = 'gaoxinban at kjj.yiyang'),
    path: 'offices[0].contact.email',
    message: /not a valid e-mail address/,
    lineHas: 'gaoxinban at kjj.yiyang',
  },
  {
    name: "the group leader's bad e-mail address",
    mutate: (p) => (p.assessmentGroup.leader.email = 'yangyaowu@'),
    path: 'assessmentGroup.leader.email',
    message: /not a valid e-mail address/,
  },
  {
    name: 'an unknown time zone',
    mutate: (p) => (p.timeZone = 'Asia/Beijing'),
    path: 'timeZone',
    message: /not a known IANA time zone/,
    lineHas: 'timeZone: Asia/Beijing',
  },
  // --- calendar ---
  {
    name: 'the same date as a holiday and as a working day',
    mutate: (p) => {
      p.calendar.extraHolidays = ['2013-10-12'];
      p.calendar.extraWorkingDays = ['2013-10-12'];
    },
    path: 'calendar.extraWorkingDays[0]',
    message: /2013-10-12 is listed both as a holiday and as a working day/,
    lineHas: '2013-10-12',
  },
  {
    name: 'a calendar date outside the plan year',
    mutate: (p) => (p.calendar.extraHolidays = ["2013-05-02", "2014-04-02"]),
    path: 'calendar.extraHolidays[1]',
    message: /2014-04-02 is outside the plan year 2013/,
    lineHas: '2014-04-02',
    notAt: ['calendar.extraHolidays[0]'],
  },
  {
    name: 'an impossible date (30 February)',
    mutate: (p) => (p.calendar.extraWorkingDays = ['2013-02-30']),
    path: 'calendar.extraWorkingDays[0]',
    message: /2013-02-30 is not a real calendar date/,
  },
  {
    name: 'an impossible date (month 13)',
    mutate: (p) => (p.calendar.extraHolidays = ['2013-13-01']),
    path: 'calendar.extraHolidays[0]',
    message: /not a real calendar date/,
  },
  {
    name: 'a date not written YYYY-MM-DD',
    mutate: (p) => (p.calendar.extraHolidays = ['2013-5-2']),
    path: 'calendar.extraHolidays[0]',
    message: /YYYY-MM-DD/,
  },
  {
    name: 'an unknown calendar source',
    mutate: (p) => (p.calendar.source = 'state-council'),
    path: 'calendar.source',
    message: /chinese-days.*plan-only|plan-only.*chinese-days/,
  },
  // --- shape: typos, types, ranges ---
  {
    name: 'an unknown field in a target (typo)',
    mutate: (p) => (p.categories[0].indicators[0].targets[0].windwo = { startMonth: 1, endMonth: 12 }),
    path: T0,
    message: /unknown field\(s\) "windwo"/,
  },
  {
    name: 'an unknown top-level field (typo)',
    mutate: (p) => (p.totalPoint = 680),
    path: '(plan)',
    message: /unknown field\(s\) "totalPoint"/,
  },
  {
    name: 'a missing required field',
    mutate: (p) => delete p.totalPoints,
    path: 'totalPoints',
    message: /is missing/,
  },
  {
    name: 'points written as a string',
    mutate: (p) => (p.categories[0].indicators[0].targets[0].points = '50'),
    path: `${T0}.points`,
    message: /must be a number of points, got string/,
    lineHas: 'points: "50"',
  },
  {
    name: 'negative points',
    mutate: (p) => {
      p.categories[0].indicators[0].targets[0].points = -50;
      p.categories[0].indicators[0].targets[1].points = 150;
    },
    path: `${T0}.points`,
    message: /points cannot be negative/,
    lineHas: 'points: -50',
  },
  {
    name: 'NaN points (.nan)',
    mutate: (p) => (p.categories[0].indicators[0].targets[0].points = NaN),
    path: `${T0}.points`,
    message: /nan/i,
    lineHas: 'points: .nan',
  },
  {
    name: 'infinite totalPoints (.inf)',
    mutate: (p) => (p.totalPoints = Infinity),
    path: 'totalPoints',
    message: /finite|absurdly large/,
  },
  {
    name: 'absurdly many points',
    mutate: (p) => (p.totalPoints = 1e9),
    path: 'totalPoints',
    message: /absurdly large/,
  },
  {
    name: 'a negative growth target',
    mutate: (p) => (p.categories[0].indicators[0].targets[0].measure.atLeast = -10),
    path: `${T0}.measure.atLeast`,
    message: /greater than 0/,
  },
  {
    name: 'a fractional count target',
    mutate: (p) => (p.categories[0].indicators[1].targets[0].measure.atLeast = 4.5),
    path: `${AGRI0}.measure.atLeast`,
    message: /integer|whole/,
  },
  {
    name: 'an unknown measure kind',
    mutate: (p) => (p.categories[0].indicators[0].targets[0].measure = { kind: 'percent', atLeast: 10 }),
    path: `${T0}.measure.kind`,
    message: /unknown kind: use one of .*"growthPercent"/,
  },
  {
    name: 'an id that is not lower-case-with-dashes',
    mutate: (p) => (p.categories[0].indicators[0].targets[0].id = 'T1 1'),
    path: `${T0}.id`,
    message: /lower-case letters, digits and dashes/,
  },
  {
    name: 'an indicator without targets',
    mutate: (p) => (p.categories[0].indicators[4].targets = []),
    path: 'categories[0].indicators[4].targets',
    message: /at least one target/,
  },
  {
    name: 'a time of day that is not HH:MM',
    mutate: (p) => (p.cadence.chasing.time = '9:00'),
    path: 'cadence.chasing.time',
    message: /HH:MM/,
  },
  {
    name: 'an unsupported schema version',
    mutate: (p) => (p.schemaVersion = 2),
    path: 'schemaVersion',
    message: /1/,
  },
  {
    name: 'a year out of range',
    mutate: (p) => (p.year = 1999),
    path: 'year',
    message: /2000/,
  },
  // --- grades and the consequence rule ---
  {
    name: 'grade bands not descending',
    mutate: (p) => (p.scoring.grades[1].atLeast = 0.95),
    path: 'scoring.grades[1].atLeast',
    message: /highest first with strictly falling thresholds/,
  },
  {
    name: 'two grade bands with the same threshold',
    mutate: (p) => (p.scoring.grades[2].atLeast = 0.8),
    path: 'scoring.grades[2].atLeast',
    message: /strictly falling/,
  },
  {
    name: 'lowest grade band not starting at 0',
    mutate: (p) => (p.scoring.grades[3].atLeast = 0.3),
    path: 'scoring.grades[3]',
    message: /lowest grade band must be "unqualified" with atLeast 0/,
  },
  {
    name: 'lowest grade band is not unqualified',
    mutate: (p) => {
      p.scoring.grades = p.scoring.grades.slice(0, 3);
      p.scoring.grades[2].atLeast = 0;
      p.scoring.ineligibleForExcellence = ['pass'];
    },
    path: 'scoring.grades[2]',
    message: /lowest grade band must be "unqualified"/,
  },
  {
    name: 'a grade band listed twice',
    mutate: (p) => (p.scoring.grades[1].id = 'excellent'),
    path: 'scoring.grades[1].id',
    message: /grade "excellent" is listed twice/,
  },
  {
    name: 'ineligibleForExcellence without unqualified',
    mutate: (p) => (p.scoring.ineligibleForExcellence = ['pass']),
    path: 'scoring.ineligibleForExcellence',
    message: /requires "unqualified"/,
  },
  {
    name: 'a scoring rule for a target that does not exist',
    mutate: (p) => (p.scoring.ruleByTarget = { 't9-9': { kind: 'allOrNothing' } }),
    path: 'scoring.ruleByTarget.t9-9',
    message: /no target has the id "t9-9"/,
  },
  {
    name: 'a non-proportional rule for the declaration',
    mutate: (p) => (p.scoring.ruleByTarget = { 't5-1': { kind: 'allOrNothing' } }),
    path: 'scoring.ruleByTarget.t5-1',
    message: /declaration target .* only the proportional rule applies/,
  },
  {
    name: 'steps not listed lowest first',
    mutate: (p) =>
      (p.scoring.defaultRule = {
        kind: 'steps',
        steps: [
          { atLeast: 0.5, pointsFraction: 0.5 },
          { atLeast: 0.3, pointsFraction: 0.8 },
        ],
      }),
    path: 'scoring.defaultRule.steps[1]',
    message: /steps must be listed lowest first/,
  },
  // --- roles ---
  {
    name: 'an approver who is not in the assessment group',
    mutate: (p) => (p.assessmentGroup.approvers = ['yang-yaowu', 'li-si']),
    path: 'assessmentGroup.approvers[1]',
    message: /"li-si" is not a member of the assessment group/,
    lineHas: 'li-si',
  },
  {
    name: 'an appraisal triggerer who is not in the assessment group',
    mutate: (p) => (p.assessmentGroup.appraisalTriggerers = ['zhang-san']),
    path: 'assessmentGroup.appraisalTriggerers[0]',
    message: /"zhang-san" is not a member of the assessment group/,
  },
  {
    name: 'a review commenter who is not in the assessment group',
    mutate: (p) => (p.reviewCommenters = ['hto-contact']),
    path: 'reviewCommenters[0]',
    message: /"hto-contact" is not a member of the assessment group/,
  },
  {
    name: 'no approvers',
    mutate: (p) => (p.assessmentGroup.approvers = []),
    path: 'assessmentGroup.approvers',
    message: /at least one person must be allowed to approve/,
  },
];

describe('the valid seed plan', () => {
  test('loads, with 680 points', () => {
    const plan = loadPlan(SEED_PLAN_PATH);
    expect(plan.totalPoints).toBe(680);
    expect(maxScore(plan)).toBe(680);
    expect(plan.resolvedCalendar.holidays).toContain('2013-10-01');
  });

  test('round-trips through yaml.stringify and JSON unchanged', () => {
    const fromYaml = loadPlanText(YAML.stringify(seedRaw), 'seed.yaml');
    const fromJson = loadPlanText(JSON.stringify(seedRaw), 'seed.json');
    expect(fromJson).toEqual(fromYaml);
    expect(fromYaml).toEqual(loadPlan(SEED_PLAN_PATH));
  });

  test('re-yeared to 2026, it loads with the 2026 calendar and no 2013 dates', () => {
    const plan = loadPlan(SEED_PLAN_PATH, { year: 2026 });
    expect(plan.year).toBe(2026);
    expect(plan.totalPoints).toBe(680);
    expect(plan.resolvedCalendar.holidays).toContain('2026-10-01');
    expect(plan.resolvedCalendar.holidays.some((d) => d.startsWith('2013-'))).toBe(false);
    expect(plan.resolvedCalendar.provenance).toMatch(/^chinese-days@\d+\.\d+\.\d+/);
  });

  test('a missing timeZone defaults to Asia/Shanghai', () => {
    const plan = loadPlanText(YAML.stringify(mutated((p) => delete p.timeZone)), 'nozone.yaml');
    expect(plan.timeZone).toBe('Asia/Shanghai');
  });

  test('a UTF-8 byte-order mark is accepted', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plan-bom-'));
    try {
      const file = path.join(dir, 'bom.yaml');
      writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(seedText, 'utf8')]));
      expect(loadPlan(file).totalPoints).toBe(680);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('catalogue of broken plans (YAML)', () => {
  test('has at least 24 entries with distinct names', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(24);
    expect(new Set(CATALOGUE.map((c) => c.name)).size).toBe(CATALOGUE.length);
  });

  test.each(CATALOGUE.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const text = YAML.stringify(mutated(c.mutate));
    const issues = issuesOf(() => loadPlanText(text, 'broken.yaml'));
    const issue = findIssue(issues, c.path, c.message);
    // Every issue found in a YAML file carries a line within the file.
    const lines = text.split('\n');
    expect(issue.line).toEqual(expect.any(Number));
    expect(issue.line).toBeGreaterThanOrEqual(1);
    expect(issue.line).toBeLessThanOrEqual(lines.length);
    if (c.lineHas) expect(lines[issue.line! - 1]).toContain(c.lineHas);
    for (const p of c.notAt ?? []) expect(issues.map((i) => formatPath(i.path))).not.toContain(p);
    // The error's message names the file, the line and the path.
    const err = (() => {
      try {
        loadPlanText(text, 'broken.yaml');
      } catch (e) {
        return e as PlanError;
      }
      throw new Error('loaded');
    })();
    expect(err.message).toContain(`broken.yaml:${issue.line} ${c.path}: `);
    expect(err.message).toMatch(/nothing was started or written/);
  });

  test('the same breakage in a JSON file gives the same path, without a line', () => {
    for (const c of CATALOGUE.slice(0, 12)) {
      const issues = issuesOf(() => loadPlanText(JSON.stringify(mutated(c.mutate)), 'broken.json'));
      const issue = findIssue(issues, c.path, c.message);
      expect(issue.line).toBeUndefined();
    }
  });

  test('several problems are all reported at once', () => {
    const text = YAML.stringify(
      mutated((p) => {
        p.timeZone = 'Mars/Olympus_Mons';
        p.categories[0].indicators[0].targets[0].window.startMonth = 13;
        p.offices[1].contact.email = 'nope';
      }),
    );
    const issues = issuesOf(() => loadPlanText(text, 'broken.yaml'));
    const paths = issues.map((i) => formatPath(i.path));
    expect(paths).toEqual(expect.arrayContaining(['timeZone', `${T0}.window.startMonth`, 'offices[1].contact.email']));
  });

  test('an edit in the original file layout is reported at its own line', () => {
    const lines = seedText.split('\n');
    const at = lines.findIndex((l) => l.startsWith('totalPoints:'));
    expect(at).toBeGreaterThan(0);
    lines[at] = 'totalPoints: 690';
    const issue = findIssue(issuesOf(() => loadPlanText(lines.join('\n'), 'seed.yaml')), 'totalPoints', /totalPoints is 690/);
    expect(issue.line).toBe(at + 1);
  });

  test('a flow-style value in the original layout is reported at its line', () => {
    const lines = seedText.split('\n');
    const at = lines.findIndex((l) => l.includes('gaoxinban@kjj.yiyang.example'));
    lines[at] = lines[at].replace('gaoxinban@kjj.yiyang.example', 'gaoxinban.kjj.yiyang.example');
    const issue = findIssue(issuesOf(() => loadPlanText(lines.join('\n'), 'seed.yaml')), 'offices[0].contact.email', /e-mail/);
    expect(issue.line).toBe(at + 1);
  });
});

describe('files that are not a plan at all', () => {
  test('malformed YAML reports the line of the syntax error', () => {
    const lines = seedText.split('\n');
    const at = lines.findIndex((l) => l.startsWith('totalPoints:'));
    lines[at] = 'totalPoints: : 680';
    const issues = issuesOf(() => loadPlanText(lines.join('\n'), 'broken.yaml'));
    expect(issues).toHaveLength(1);
    expect(formatPath(issues[0].path)).toBe('(plan)');
    expect(issues[0].message).toMatch(/^is not valid YAML/);
    expect(issues[0].line).toBe(at + 1);
  });

  test('an unterminated quoted string reports its line', () => {
    const lines = seedText.split('\n');
    const at = lines.findIndex((l) => l.startsWith('planVersion:'));
    lines[at] = 'planVersion: "2013.1';
    const issues = issuesOf(() => loadPlanText(lines.join('\n'), 'broken.yaml'));
    expect(issues[0].message).toMatch(/not valid YAML/);
    expect(issues[0].line).toBe(at + 1);
  });

  test('a duplicated YAML key is a syntax error at the second key', () => {
    const lines = seedText.split('\n');
    const at = lines.findIndex((l) => l.startsWith('totalPoints:'));
    lines.splice(at + 1, 0, 'totalPoints: 680');
    const issues = issuesOf(() => loadPlanText(lines.join('\n'), 'broken.yaml'));
    expect(issues[0].message).toMatch(/not valid YAML.*unique/);
    expect(issues[0].line).toBe(at + 2);
  });

  test('invalid JSON', () => {
    const text = JSON.stringify(seedRaw).slice(0, -1);
    const issues = issuesOf(() => loadPlanText(text, 'broken.json'));
    expect(issues).toHaveLength(1);
    expect(formatPath(issues[0].path)).toBe('(plan)');
    expect(issues[0].message).toMatch(/is not valid JSON/);
  });

  test('YAML syntax in a .json file is invalid JSON (the extension decides the parser)', () => {
    const issues = issuesOf(() => loadPlanText(seedText, 'plan.JSON'));
    expect(issues[0].message).toMatch(/is not valid JSON/);
  });

  test('an empty file', () => {
    const issues = issuesOf(() => loadPlanText('', 'empty.yaml'));
    expect(formatPath(issues[0].path)).toBe('(plan)');
    expect(issues[0].message).toMatch(/wrong type: expected object/);
  });

  test('a list instead of a plan', () => {
    const issues = issuesOf(() => loadPlanText('- 1\n- 2\n', 'list.yaml'));
    expect(issues[0].message).toMatch(/expected object, got array/);
  });

  test('non-UTF-8 bytes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plan-bytes-'));
    try {
      const file = path.join(dir, 'garbage.yaml');
      writeFileSync(file, Buffer.from([0xff, 0xfe, 0x80, 0x81, 0xc3, 0x28, 0x0a, 0x79, 0x65, 0x61, 0x72, 0x3a]));
      const issues = issuesOf(() => loadPlan(file));
      expect(issues).toHaveLength(1);
      expect(issues[0].message).toMatch(/is not UTF-8 text/);
      // GBK-encoded Chinese (a likely mistake on a Chinese Windows PC) is refused too.
      writeFileSync(file, Buffer.concat([Buffer.from('unit:\n  name: '), Buffer.from([0xd2, 0xe6, 0xd1, 0xf4, 0xca, 0xd0]), Buffer.from('\n')]));
      expect(issuesOf(() => loadPlan(file))[0].message).toMatch(/not UTF-8/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file that does not exist', () => {
    const issues = issuesOf(() => loadPlan(path.join(tmpdir(), 'no-such-dir-for-plans', 'plan.yaml')));
    expect(issues[0].message).toMatch(/no such file/);
  });

  test('a file larger than 2 MiB', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plan-big-'));
    try {
      const file = path.join(dir, 'big.yaml');
      writeFileSync(file, seedText + `\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
      expect(issuesOf(() => loadPlan(file))[0].message).toMatch(/larger than 2 MiB/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('years and holiday data', () => {
  test('a year with no holiday data in chinese-days is refused, pointing at calendar.source', () => {
    const issues = issuesOf(() => loadPlan(SEED_PLAN_PATH, { year: 2031 }));
    const issue = findIssue(issues, 'calendar.source', /has no holidays for 2031/);
    expect(issue.message).toMatch(/plan-only/);
    expect(issue.message).toMatch(/extraHolidays/);
  });

  test('the same year with calendar.source plan-only and its own holidays loads', () => {
    const text = YAML.stringify(
      mutated((p) => {
        p.calendar = { source: 'plan-only', extraHolidays: ['2031-10-01', '2031-10-02'], extraWorkingDays: ['2031-09-28'] };
      }),
    );
    const plan = loadPlanText(text, 'plan-2031.yaml', { year: 2031 });
    expect(plan.year).toBe(2031);
    expect(plan.resolvedCalendar.holidays).toEqual(['2031-10-01', '2031-10-02']);
    expect(plan.resolvedCalendar.workingDays).toEqual(['2031-09-28']);
    expect(plan.resolvedCalendar.provenance).toBe('plan overrides');
  });

  test('plan-only with no lists: weekends only', () => {
    const text = YAML.stringify(mutated((p) => (p.calendar = { source: 'plan-only' })));
    const plan = loadPlanText(text, 'p.yaml', { year: 2031 });
    expect(plan.resolvedCalendar).toEqual({ holidays: [], workingDays: [], provenance: 'plan only', coveredYears: [] });
  });

  test("re-yearing a plan whose calendar overrides are dated in the old year reports them as outside the new year", () => {
    const text = YAML.stringify(mutated((p) => (p.calendar.extraHolidays = ['2013-05-02'])));
    expect(loadPlanText(text, 'p.yaml').resolvedCalendar.holidays).toContain('2013-05-02');
    const issues = issuesOf(() => loadPlanText(text, 'p.yaml', { year: 2026 }));
    findIssue(issues, 'calendar.extraHolidays[0]', /outside the plan year 2026/);
  });

  test('the year option overrides a broken year in the file', () => {
    const text = YAML.stringify(mutated((p) => (p.year = 1999)));
    expect(loadPlanText(text, 'p.yaml', { year: 2013 }).year).toBe(2013);
  });
});

describe('resource exhaustion', () => {
  // BUG (reported): the alias-count guard in parsePlanText (doc.toJS({ maxAliasCount: 100 }))
  // throws yaml's ReferenceError, which loadPlanText lets through instead of a PlanError.
  test('a YAML alias bomb is refused as a PlanError, not a crash', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      '',
    ].join('\n');
    expect(() => loadPlanText(bomb, 'bomb.yaml')).toThrow(PlanError);
  });
});
