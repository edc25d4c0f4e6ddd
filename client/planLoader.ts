/**
 * Reads a plan file (YAML or JSON), checks it, and resolves its year's
 * calendar to plain data. Every problem is reported with the file, the line
 * (YAML) and the JSON path, and what to do. Nothing is started or written.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { formatPath, planSchema, type Plan, type PlanFile, type PlanIssue } from '../domain/plan';
import { parsePlanFile } from '../domain/planRules';
import { PLACEHOLDER_DOMAIN } from '../domain/importer/defaults';

export interface LocatedIssue extends PlanIssue {
  line?: number;
}

export class PlanError extends Error {
  override readonly name = 'PlanError';
  constructor(
    readonly file: string,
    readonly issues: LocatedIssue[],
  ) {
    super(formatIssues(file, issues));
  }
}

export function formatIssues(file: string, issues: LocatedIssue[]): string {
  const n = issues.length;
  const lines = issues.map((i) => `  ${file}${i.line ? `:${i.line}` : ''} ${formatPath(i.path)}: ${i.message}`);
  return `${file}: ${n} problem${n === 1 ? '' : 's'} found; nothing was started or written:\n${lines.join('\n')}`;
}

/** The calendar data package whose lists resolve a plan's holidays. */
const requireFromHere = createRequire(__filename);
const CHINESE_DAYS_VERSION: string = requireFromHere('chinese-days/package.json').version;
type DayMap = Record<string, string>;
let chineseDays: { holidays: DayMap; workdays: DayMap } | undefined;
function chineseDaysData() {
  // The package's JSON data, not its ES module: read once, as plain lists.
  chineseDays ??= requireFromHere('chinese-days/dist/chinese-days.json') as { holidays: DayMap; workdays: DayMap };
  return chineseDays;
}

/** Parse text as YAML or JSON into a value plus a way to find the line of a path. */
export function parsePlanText(text: string, file: string): { value: unknown; lineOf: (p: (string | number)[]) => number | undefined } {
  const isJson = file.toLowerCase().endsWith('.json');
  if (isJson) {
    try {
      return { value: JSON.parse(text), lineOf: () => undefined };
    } catch (e) {
      throw new PlanError(file, [{ path: [], message: `is not valid JSON (${(e as Error).message}): fix the syntax` }]);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    throw new PlanError(
      file,
      doc.errors.map((e) => ({ path: [], line: lineCounter.linePos(e.pos[0]).line, message: `is not valid YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  const lineOf = (p: (string | number)[]) => {
    // Walk down as far as the path exists; report the line of the deepest node found.
    let node: unknown = doc.contents;
    let found: YamlNode | undefined = doc.contents ?? undefined;
    for (const key of p) {
      if (isMap(node)) node = node.get(key, true);
      else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
      else break;
      if (node && typeof node === 'object' && 'range' in node) found = node as YamlNode;
      else break;
    }
    return found?.range ? lineCounter.linePos(found.range[0]).line : undefined;
  };
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }), lineOf };
  } catch (e) {
    throw new PlanError(file, [{ path: [], message: `is not a usable YAML document (${(e as Error).message}): write the plan out without anchors and aliases` }]);
  }
}

/** Decode bytes as UTF-8, refusing anything that is not. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new PlanError(file, [{ path: [], message: 'is not UTF-8 text: save the file as UTF-8' }]);
  }
}

export interface LoadOptions {
  /** Run the plan for another year (e.g. the seed plan for the current year). */
  year?: number;
  /** Accept `cycle import`'s placeholders (checking a draft's structure); never for a plan a cycle runs. */
  draft?: boolean;
}

export function checkPlanText(text: string, file: string, options: LoadOptions = {}): PlanFile {
  const { value, lineOf } = parsePlanText(text, file);
  if (options.year !== undefined && value && typeof value === 'object') (value as { year: unknown }).year = options.year;
  const result = parsePlanFile(value);
  if (!result.ok) throw new PlanError(file, result.issues.map((i) => ({ ...i, line: lineOf(i.path) })));
  const placeholders = options.draft ? [] : draftPlaceholders(result.plan);
  if (placeholders.length) throw new PlanError(file, placeholders.map((i) => ({ ...i, line: lineOf(i.path) })));
  return result.plan;
}

/**
 * What `cycle import` leaves for people to fill in (TODO texts, @example.invalid addresses, the office "unplaced"):
 * a draft is not a signed plan, so it is refused until each is replaced; every one is listed with its line.
 */
export function draftPlaceholders(plan: PlanFile): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (typeof v === 'string') {
      if (/^TODO\b/.test(v) || /\bTODO[: ]/.test(v)) issues.push({ path, message: `"${v.slice(0, 60)}" is a placeholder left by \`cycle import\`: replace it with the real text` });
      else if (v.toLowerCase().endsWith(`@${PLACEHOLDER_DOMAIN}`)) issues.push({ path, message: `${v} is a placeholder address left by \`cycle import\`: write the person's real e-mail address` });
      else if (v === 'unplaced' && path[path.length - 1] !== 'name') issues.push({ path, message: 'the office "unplaced" holds indicators the document gave to no office: give each to a real office (or import again with --default-office)' });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(plan, []);
  return issues;
}

/** Resolve the plan year's holidays and make-up days (plus the next year's first quarter, where the appraisal runs on). */
export function resolveCalendar(plan: PlanFile, file: string): Plan['resolvedCalendar'] {
  const years = [plan.year, plan.year + 1];
  const holidays = new Set<string>();
  const workingDays = new Set<string>();
  const provenance: string[] = [];
  const coveredYears = new Set<number>();
  // A plan that lists any day off in a year has taken charge of that year's calendar.
  for (const y of years) if (plan.calendar.extraHolidays.some((d) => d.startsWith(`${y}-`))) coveredYears.add(y);
  if (plan.calendar.source === 'chinese-days') {
    const data = chineseDaysData();
    const covered = (y: number) => Object.keys(data.holidays).some((d) => d.startsWith(`${y}-`));
    if (!covered(plan.year)) {
      throw new PlanError(file, [
        {
          path: ['calendar', 'source'],
          message: `chinese-days@${CHINESE_DAYS_VERSION} has no holidays for ${plan.year}: upgrade the package, or set calendar.source to "plan-only" and list the year's holidays under calendar.extraHolidays and make-up days under calendar.extraWorkingDays`,
        },
      ]);
    }
    for (const y of years) {
      if (y !== plan.year && !covered(y)) continue; // next year's data may not be published yet: weekends only there
      coveredYears.add(y);
      for (const d of Object.keys(data.holidays)) if (d.startsWith(`${y}-`) && (y === plan.year || d <= `${y}-03-31`)) holidays.add(d);
      for (const d of Object.keys(data.workdays)) if (d.startsWith(`${y}-`) && (y === plan.year || d <= `${y}-03-31`)) workingDays.add(d);
    }
    provenance.push(`chinese-days@${CHINESE_DAYS_VERSION}${covered(plan.year + 1) ? '' : ` (no data for ${plan.year + 1}: weekends only there)`}`);
  }
  for (const d of plan.calendar.extraHolidays) {
    holidays.add(d);
    workingDays.delete(d);
  }
  for (const d of plan.calendar.extraWorkingDays) {
    workingDays.add(d);
    holidays.delete(d);
  }
  if (plan.calendar.extraHolidays.length || plan.calendar.extraWorkingDays.length) provenance.push('plan overrides');
  if (!provenance.length) provenance.push('plan only');
  return { holidays: [...holidays].sort(), workingDays: [...workingDays].sort(), provenance: provenance.join(' + '), coveredYears: [...coveredYears].sort() };
}

export function loadPlanText(text: string, file: string, options: LoadOptions = {}): Plan {
  const planFile = checkPlanText(text, file, options);
  return planSchema.parse({ ...planFile, resolvedCalendar: resolveCalendar(planFile, file) });
}

export function loadPlan(file: string, options: LoadOptions = {}): Plan {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PlanError(file, [{ path: [], message: code === 'ENOENT' ? 'no such file: check the path' : `cannot be read (${code ?? (e as Error).message})` }]);
  }
  if (bytes.length > 2 * 1024 * 1024) throw new PlanError(file, [{ path: [], message: 'is larger than 2 MiB: a plan file is a few kilobytes; is this the right file?' }]);
  return loadPlanText(decodeUtf8(bytes, file), file, options);
}
