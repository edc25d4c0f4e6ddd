/**
 * `cycle`: the supervision cycle at the keyboard, for offices, the group
 * leader and the bureau. Talks to the Temporal server at TEMPORAL_ADDRESS
 * (default: the local dev server `npm start` runs).
 *
 * Exit codes: 0 done; 1 bad input (arguments, plan or values file);
 * 2 refused by the cycle (not allowed, wrong phase, period not open);
 * 3 not found (no such cycle); 4 cannot reach Temporal; 5 internal error.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { DateTime } from 'luxon';
import { parse as parseYaml } from 'yaml';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { LIMITS, type EvidenceRef } from '../domain/actions';
import { allTargets, round2, type Plan } from '../domain/plan';
import { buildReport, renderCsv, renderHtml, renderMarkdown } from '../domain/report';
import { cycleWorkflowId, parseCycleWorkflowId } from '../domain/names';
import type { CycleView } from '../domain/view';
import { ConfigError, loadConfig } from '../infra/config';
import { connectClient } from '../infra/connection';
import {
  appraisalQuery,
  closeCheckUpdate,
  commentReviewUpdate,
  planQuery,
  reviewReportUpdate,
  stateQuery,
  statusQuery,
  submitReportUpdate,
  triggerAppraisalUpdate,
  verifyValuesUpdate,
} from '../workflows/messages';
import { ensureSearchAttributes, startCycle, type CycleHandle } from './cycles';
import { PlanError, loadPlan } from './planLoader';

export const EXIT = { ok: 0, input: 1, refused: 2, notFound: 3, unreachable: 4, internal: 5 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

function table(head: string[], rows: (string | number | undefined)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))))];
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1), 0);
  const widths = head.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function readDataFile(file: string, what: string): unknown {
  let text: string;
  try {
    const bytes = readFileSync(file);
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${what} ${file}: ${code === 'ENOENT' ? 'no such file' : code ? `cannot be read (${code})` : 'is not UTF-8 text'}: check the path and save it as UTF-8 JSON or YAML`, EXIT.input);
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new CliError(`${what} ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`, EXIT.input);
  }
}

/** A values file: `{ values: { t1-1: 12 } | [{ targetId, value }], narrative?: string }`. */
export function parseValuesFile(file: string): { values: { targetId: string; value: number; note?: string }[]; narrative?: string } {
  const raw = readDataFile(file, 'values file') as { values?: unknown; narrative?: unknown } | null;
  if (!raw || typeof raw !== 'object' || raw.values === undefined) {
    throw new CliError(`values file ${file} has no "values": write { "values": { "t1-1": 12 }, "narrative": "…" }`, EXIT.input);
  }
  const list: { targetId: string; value: unknown; note?: string }[] = Array.isArray(raw.values)
    ? (raw.values as { targetId: string; value: unknown; note?: string }[])
    : Object.entries(raw.values as Record<string, unknown>).map(([targetId, value]) => ({ targetId, value }));
  for (const [i, v] of list.entries()) {
    if (typeof v?.value !== 'number' || !Number.isFinite(v.value)) {
      throw new CliError(`values file ${file}: values[${i}] (${String(v?.targetId)}) is ${JSON.stringify(v?.value)}, not a finite number: write a plain number`, EXIT.input);
    }
  }
  if (raw.narrative !== undefined && typeof raw.narrative !== 'string') throw new CliError(`values file ${file}: "narrative" must be text`, EXIT.input);
  return { values: list as { targetId: string; value: number; note?: string }[], narrative: raw.narrative as string | undefined };
}

/** Store an evidence file outside workflow history, content-addressed; returns its reference. */
export function storeEvidence(file: string, evidenceDir: string): EvidenceRef {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`evidence file ${file}: no such file`, EXIT.input);
  }
  if (size > LIMITS.evidenceBytes) throw new CliError(`evidence file ${file} is ${round2(size / 1048576)} MiB; the limit is ${LIMITS.evidenceBytes / 1048576} MiB`, EXIT.input);
  const name = path.basename(file);
  if (name.startsWith('.') || name.length > LIMITS.evidenceNameChars) throw new CliError(`evidence file name "${name}" must not start with a dot and be at most ${LIMITS.evidenceNameChars} characters: rename it`, EXIT.input);
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  const dest = path.join(evidenceDir, sha256.slice(0, 2), sha256);
  if (!existsSync(dest)) {
    mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${process.pid}.tmp`;
    copyFileSync(file, tmp);
    renameSync(tmp, dest);
  }
  return { name, sha256, bytes: size };
}

function currentYear(): number {
  return DateTime.now().setZone('Asia/Shanghai').year;
}

function year(opts: { year?: string }): number {
  if (opts.year === undefined) return currentYear();
  const y = Number(opts.year);
  if (!Number.isInteger(y) || y < 2000 || y > 2100) throw new CliError(`--year ${opts.year} is not a year: write e.g. --year 2026`, EXIT.input);
  return y;
}

function quarterPeriod(y: number, q: string): string {
  const m = /^(?:(\d{4})-)?Q?([1-4])$/i.exec(q.trim());
  if (!m) throw new CliError(`--quarter ${q} is not a quarter: write 1-4, Q2 or ${y}-Q2`, EXIT.input);
  if (m[1] && Number(m[1]) !== y) throw new CliError(`--quarter ${q} is not in ${y}: pass --year ${m[1]}`, EXIT.input);
  return `${y}-Q${m[2]}`;
}

export async function runCli(argv: string[], io: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) }): Promise<number> {
  let clientPromise: Promise<Client> | undefined;
  const config = () => {
    try {
      return loadConfig();
    } catch (e) {
      throw new CliError((e as Error).message, EXIT.input);
    }
  };
  const client = () => {
    clientPromise ??= connectClient(config()).catch((e) => {
      throw new CliError(`cannot reach Temporal at ${config().temporal.address} (${(e as Error).message.split('\n')[0]}): is \`npm start\` running? Set TEMPORAL_ADDRESS for another server`, EXIT.unreachable);
    });
    return clientPromise;
  };
  const handleFor = async (unit: string, opts: { year?: string }): Promise<{ handle: CycleHandle; plan: Plan }> => {
    const c = await client();
    const y = year(opts);
    const handle = c.workflow.getHandle(cycleWorkflowId(unit, y)) as CycleHandle;
    try {
      return { handle, plan: await handle.query(planQuery) };
    } catch (e) {
      if (e instanceof WorkflowNotFoundError || /not found/i.test((e as Error).message)) {
        throw new CliError(`no cycle for unit "${unit}" in ${y}: check the unit id (\`cycle list\`), pass --year, or start one with \`cycle start PLAN\``, EXIT.notFound);
      }
      throw e;
    }
  };
  /** The office's current revision for a period, to merge a new submission into. */
  const previousReport = async (handle: CycleHandle, period: string, officeId: string) => {
    const s = await handle.query(stateQuery);
    return s.periods[period]?.offices[officeId]?.report;
  };
  const update = async <R>(fn: () => Promise<R>): Promise<R> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure) throw new CliError(`refused: ${e.cause.message}`, EXIT.refused);
      if (e instanceof WorkflowUpdateFailedError) throw new CliError(`refused: ${e.cause?.message ?? e.message}`, EXIT.refused);
      if (/workflow execution already completed/i.test((e as Error).message)) throw new CliError('refused: the cycle has finished (the year is appraised); it accepts no more changes', EXIT.refused);
      throw e;
    }
  };
  const print = (json: boolean, data: unknown, text: () => string) => io.out(json ? JSON.stringify(data, null, 2) : text());

  const program = new Command('cycle')
    .description('Run and use the performance-plan supervision cycle (offices, the group leader, the bureau).')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nExit codes: 0 done, 1 bad input, 2 refused by the cycle, 3 not found, 4 cannot reach Temporal, 5 internal error.');
  const yearOption = () => new Option('--year <year>', 'plan year (default: the current year in Asia/Shanghai)');
  const asOption = () => new Option('--as <person>', 'who you are: a personId from the plan').makeOptionMandatory();

  program
    .command('validate')
    .description('check a plan file (YAML or JSON); print a summary, or every problem with its path and line')
    .argument('<plan>', 'plan file')
    .option('--json', 'print the normalized plan as JSON')
    .addOption(new Option('--year <year>', 'check the plan as run for another year'))
    .action((file: string, opts: { json?: boolean; year?: string }) => {
      const plan = loadPlan(file, opts.year ? { year: year(opts) } : {});
      if (opts.json) return io.out(JSON.stringify(plan, null, 2));
      const refs = allTargets(plan);
      const lines = [`${file}: valid plan ${plan.planVersion} for ${plan.unit.name.zh} (${plan.unit.name.en}), ${plan.year}, ${plan.timeZone}`, `total: ${plan.totalPoints} points`];
      for (const c of plan.categories) lines.push(`  ${c.name.zh} ${c.name.en}: ${c.points} points (${c.indicators.map((i) => i.points).join(' + ')})`);
      lines.push('', 'targets per office (lead / co-owner) and months with work:');
      const rows = plan.offices.map((o) => {
        const lead = refs.filter((r) => r.target.offices.lead === o.id);
        const co = refs.filter((r) => r.target.offices.coOwners.includes(o.id));
        const months = Array.from({ length: 12 }, (_, i) => i + 1).filter((m) => [...lead, ...co].some((r) => r.target.window.startMonth <= m && m <= r.target.window.endMonth));
        const bar = Array.from({ length: 12 }, (_, i) => (months.includes(i + 1) ? '█' : '·')).join('');
        return [o.id, o.name.zh, String(lead.length), String(co.length), bar];
      });
      lines.push(table(['office', '科室', 'lead', 'co', 'JFMAMJJASOND'], rows));
      lines.push('', `calendar: ${plan.resolvedCalendar.holidays.length} holidays, ${plan.resolvedCalendar.workingDays.length} make-up working days (${plan.resolvedCalendar.provenance})`);
      io.out(lines.join('\n'));
    });

  program
    .command('start')
    .description("start the cycle for a plan's unit and year (once: starting it again changes nothing)")
    .argument('<plan>', 'plan file')
    .addOption(new Option('--year <year>', 'run the plan for this year instead of the year it names'))
    .option('--json', 'print the outcome as JSON')
    .action(async (file: string, opts: { year?: string; json?: boolean }) => {
      const plan = loadPlan(file, opts.year ? { year: year(opts) } : {});
      const nowYear = DateTime.now().setZone(plan.timeZone).year;
      if (plan.year < nowYear) {
        throw new CliError(`the plan year ${plan.year} is over: pass --year ${nowYear} to run this plan for this year, or replay ${plan.year} with \`cycle simulate ${file}\``, EXIT.input);
      }
      const c = await client();
      const cfg = config();
      const sa = await ensureSearchAttributes(c, cfg.temporal.namespace);
      const r = await startCycle(c, plan, { taskQueue: cfg.taskQueue, searchAttributes: sa });
      print(!!opts.json, r, () =>
        r.status === 'started'
          ? `started ${r.workflowId} (plan ${plan.planVersion}, ${plan.year})`
          : `${r.workflowId} is ${r.status === 'already-running' ? 'already running' : 'already finished'}; nothing changed${
              r.runningPlanVersion ? ` (it runs plan version ${r.runningPlanVersion}, not ${plan.planVersion}: a signed plan does not change under a running cycle)` : ''
            }`,
      );
    });

  program
    .command('list')
    .description('running and finished cycles: unit, year, phase, next event, late offices')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = await client();
      const rows: { workflowId: string; unit: string; year: number; status: string; phase: string; nextEvent: string; lateOffices: string[] }[] = [];
      for await (const w of c.workflow.list({ query: `WorkflowType = 'supervisionCycle' AND ExecutionStatus != 'ContinuedAsNew'` })) {
        const ids = parseCycleWorkflowId(w.workflowId);
        const sa = w.typedSearchAttributes;
        const get = (name: string) => sa.getAll().find((p) => p.key.name === name)?.value;
        rows.push({
          workflowId: w.workflowId,
          unit: String(get('CycleUnit') ?? ids?.unitId ?? ''),
          year: Number(get('CycleYear') ?? ids?.year ?? 0),
          status: w.status.name,
          phase: String(get('CyclePhase') ?? ''),
          nextEvent: get('CycleNextEvent') ? (get('CycleNextEvent') as Date).toISOString() : '',
          lateOffices: (get('CycleLateOffices') as string[] | undefined) ?? [],
        });
      }
      print(!!opts.json, rows, () =>
        rows.length ? table(['cycle', 'unit', 'year', 'status', 'phase', 'next event (UTC)', 'late offices'], rows.map((r) => [r.workflowId, r.unit, r.year, r.status, r.phase, r.nextEvent, r.lateOffices.join(', ')])) : 'no cycles yet: start one with `cycle start PLAN`',
      );
    });

  program
    .command('status')
    .description('what each office owes and by when, what is late, pending approvals, running and projected score')
    .argument('<unit>', 'unit id, e.g. yiyang-st-bureau')
    .addOption(yearOption())
    .option('--office <office>', 'only this office')
    .option('--json', 'print as JSON')
    .action(async (unit: string, opts: { year?: string; office?: string; json?: boolean }) => {
      const { handle, plan } = await handleFor(unit, opts);
      const v: CycleView = await handle.query(statusQuery);
      if (opts.office && !plan.offices.some((o) => o.id === opts.office)) throw new CliError(`no office "${opts.office}" in the plan: use one of ${plan.offices.map((o) => o.id).join(', ')}`, EXIT.input);
      const offices = v.offices.filter((o) => !opts.office || o.officeId === opts.office);
      print(!!opts.json, { ...v, offices }, () => {
        const lines = [
          `${v.unit.name} ${v.year} (${v.workflowId}), plan ${v.planVersion}`,
          `phase: ${v.phase}${v.finished ? ' (finished)' : ''}; plan time now ${v.planNow}; next event ${v.nextEventAt ?? '(waiting for people)'}`,
          `running score: ${v.runningScore.total} / ${v.runningScore.maxPoints}; projected: ${v.projectedScore.total} / ${v.projectedScore.maxPoints} (${v.projectedScore.grade})`,
          '',
        ];
        const owed = offices.flatMap((o) => (o.owes.length ? o.owes.map((x) => [o.officeId, x.period, x.status, x.deadline, x.late ? `LATE ${x.lateByDays} d` : 'on time', x.targets.join(' ')]) : [[o.officeId, '—', 'nothing owed', '', '', '']]));
        lines.push(table(['office', 'period', 'status', 'deadline', 'late', 'targets'], owed));
        if (v.pendingApprovals.length) lines.push('', 'pending approvals:', table(['period', 'office', 'submitted', 'revision'], v.pendingApprovals.map((p) => [p.period, p.officeId, p.submittedAt, p.revision])));
        if (v.appraisal) lines.push('', `appraisal: started ${v.appraisal.startedAt}, closes ${v.appraisal.closeAt}${v.appraisal.total !== undefined ? `; result ${v.appraisal.total} / ${v.appraisal.maxPoints}, ${v.appraisal.grade}, ${v.appraisal.eligibleForExcellence ? 'eligible' : 'not eligible'} for excellence` : ''}`);
        if (v.deliveryFailures.length) lines.push('', 'mail that could not be delivered:', ...v.deliveryFailures.map((f) => `  ${f.at} ${f.key}: ${f.error}`));
        return lines.join('\n');
      });
    });

  const officeFor = (plan: Plan, person: string, office?: string): string => {
    if (office) return office;
    const mine = plan.offices.filter((o) => o.contact.personId === person || o.head.personId === person);
    if (mine.length === 1) return mine[0].id;
    throw new CliError(`${person} is not the contact or head of exactly one office: pass --office`, EXIT.input);
  };

  program
    .command('submit')
    .description("file an office's report for a period (values per target, narrative, evidence)")
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .requiredOption('--period <period>', 'e.g. 2026-04, 2026-Q2 (quarter-end months) or 2026-final')
    .requiredOption('--values <file>', 'JSON/YAML: { "values": { "t1-1": 12 }, "narrative": "…" }')
    .option('--office <office>', 'the office (default: the one --as belongs to)')
    .option('--narrative <text>', 'narrative (overrides the one in the values file)')
    .option('--evidence <file...>', 'evidence files, stored outside workflow history by SHA-256')
    .option('--replace', "send exactly this file's values; by default they are merged into your previous revision for the period")
    .addOption(yearOption())
    .option('--json', 'print the outcome as JSON')
    .action(async (unit: string, opts: { as: string; period: string; values: string; office?: string; narrative?: string; evidence?: string[]; replace?: boolean; year?: string; json?: boolean }) => {
      const values = parseValuesFile(opts.values);
      const y = opts.year ?? opts.period.slice(0, 4);
      const { handle, plan } = await handleFor(unit, { year: y });
      const officeId = officeFor(plan, opts.as, opts.office);
      const evidence = (opts.evidence ?? []).map((f) => storeEvidence(f, config().evidenceDir));
      const previous = opts.replace ? undefined : await previousReport(handle, opts.period, officeId);
      const merged = { ...(previous?.values ?? {}), ...Object.fromEntries(values.values.map((v) => [v.targetId, v.value])) };
      const r = await update(() =>
        handle.executeUpdate(submitReportUpdate, {
          args: [
            {
              actor: { personId: opts.as, via: 'cli' },
              officeId,
              period: opts.period,
              values: Object.entries(merged).map(([targetId, value]) => ({ targetId, value })),
              narrative: opts.narrative ?? values.narrative ?? previous?.narrative ?? '',
              evidence: [...(previous?.evidence ?? []), ...evidence.filter((e) => !previous?.evidence.some((p) => p.sha256 === e.sha256))],
            },
          ],
        }),
      );
      print(!!opts.json, r, () => `${officeId} ${opts.period}: ${r.outcome} (revision ${r.revision}${r.late ? ', late' : ''})${evidence.length ? `; evidence ${evidence.map((e) => `${e.name} sha256:${e.sha256.slice(0, 12)}`).join(', ')}` : ''}`);
    });

  for (const decision of ['approve', 'return'] as const) {
    program
      .command(decision)
      .description(decision === 'approve' ? "approve an office's quarterly report (group leader)" : "return an office's quarterly report with a comment (group leader)")
      .argument('<unit>', 'unit id')
      .addOption(asOption())
      .requiredOption('--office <office>', 'the office whose report it is')
      .requiredOption('--quarter <quarter>', '1-4, Q2 or 2026-Q2')
      .option('--comment <text>', decision === 'return' ? 'what to fix (required)' : 'comment', '')
      .addOption(yearOption())
      .option('--json', 'print the outcome as JSON')
      .action(async (unit: string, opts: { as: string; office: string; quarter: string; comment: string; year?: string; json?: boolean }) => {
        const { handle, plan } = await handleFor(unit, opts);
        const period = quarterPeriod(plan.year, opts.quarter);
        const r = await update(() => handle.executeUpdate(reviewReportUpdate, { args: [{ actor: { personId: opts.as, via: 'cli' }, officeId: opts.office, period, decision, comment: opts.comment }] }));
        print(!!opts.json, r, () => `${opts.office} ${period}: ${r.status}${r.newDeadline ? `, due again ${r.newDeadline}` : ''}`);
      });
  }

  program
    .command('close-check')
    .description('close a quarterly check, recording the reports still missing (group leader)')
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .requiredOption('--quarter <quarter>', '1-4, Q2 or 2026-Q2')
    .option('--comment <text>', 'comment', '')
    .addOption(yearOption())
    .option('--json', 'print the outcome as JSON')
    .action(async (unit: string, opts: { as: string; quarter: string; comment: string; year?: string; json?: boolean }) => {
      const { handle, plan } = await handleFor(unit, opts);
      const period = quarterPeriod(plan.year, opts.quarter);
      const r = await update(() => handle.executeUpdate(closeCheckUpdate, { args: [{ actor: { personId: opts.as, via: 'cli' }, period, comment: opts.comment }] }));
      print(!!opts.json, r, () => `${period} check closed${r.missing.length ? `; missing: ${r.missing.join(', ')}` : '; all approved'}`);
    });

  program
    .command('comment')
    .description('add a comment to the half-year review (leader, or a member the plan allows)')
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .requiredOption('--text <text>', 'the comment')
    .option('--office <office>', 'for this office only')
    .addOption(yearOption())
    .action(async (unit: string, opts: { as: string; text: string; office?: string; year?: string }) => {
      const { handle } = await handleFor(unit, opts);
      await update(() => handle.executeUpdate(commentReviewUpdate, { args: [{ actor: { personId: opts.as, via: 'cli' }, officeId: opts.office, comment: opts.text }] }));
      io.out('comment recorded for the half-year review');
    });

  program
    .command('declare')
    .description('file the year-end declaration (年末申报): points declared for a declaration target, in the final round')
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .requiredOption('--points <n>', 'points declared')
    .option('--target <id>', 'the declaration target (default: the only one the office leads)')
    .option('--narrative <text>', 'what is declared and why', '')
    .option('--office <office>', 'the office')
    .option('--evidence <file...>', 'evidence files')
    .addOption(yearOption())
    .action(async (unit: string, opts: { as: string; points: string; target?: string; narrative: string; office?: string; evidence?: string[]; year?: string }) => {
      const points = Number(opts.points);
      if (!Number.isFinite(points)) throw new CliError(`--points ${opts.points} is not a number`, EXIT.input);
      const { handle, plan } = await handleFor(unit, opts);
      const officeId = officeFor(plan, opts.as, opts.office);
      const decl = allTargets(plan).filter((r) => r.target.measure.kind === 'declaration' && r.target.offices.lead === officeId);
      const targetId = opts.target ?? (decl.length === 1 ? decl[0].target.id : undefined);
      if (!targetId) throw new CliError(`${officeId} leads ${decl.length} declaration targets: pass --target`, EXIT.input);
      const evidence = (opts.evidence ?? []).map((f) => storeEvidence(f, config().evidenceDir));
      // The declaration joins the office's final report (it does not replace the values already filed).
      const period = `${plan.year}-final`;
      const previous = await previousReport(handle, period, officeId);
      const values = { ...(previous?.values ?? {}), [targetId]: points };
      const narrative = [previous?.narrative, opts.narrative].filter(Boolean).join('\n');
      const r = await update(() =>
        handle.executeUpdate(submitReportUpdate, {
          args: [{ actor: { personId: opts.as, via: 'cli' }, officeId, period, values: Object.entries(values).map(([t, value]) => ({ targetId: t, value })), narrative, evidence: [...(previous?.evidence ?? []), ...evidence] }],
        }),
      );
      io.out(`declaration of ${points} points for ${targetId}: ${r.outcome} (revision ${r.revision})`);
    });

  program
    .command('verify')
    .description("record the leader's verified values for the appraisal (they may differ from the reported ones)")
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .requiredOption('--values <file>', 'JSON/YAML: { "values": { "t1-1": 11.5 } }')
    .addOption(new Option('--municipal-grade <grade>', "the municipal government's appraisal result").choices(['excellent', 'good', 'pass', 'unqualified']))
    .addOption(yearOption())
    .action(async (unit: string, opts: { as: string; values: string; municipalGrade?: 'excellent' | 'good' | 'pass' | 'unqualified'; year?: string }) => {
      const values = parseValuesFile(opts.values);
      const { handle } = await handleFor(unit, opts);
      const r = await update(() => handle.executeUpdate(verifyValuesUpdate, { args: [{ actor: { personId: opts.as, via: 'cli' }, values: values.values, municipalGrade: opts.municipalGrade }] }));
      io.out(`${r.recorded} verified value(s) recorded`);
    });

  program
    .command('appraise')
    .description('the bureau triggers the year-end appraisal run: --start opens the final round early, --finalize computes it now')
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .option('--start', 'start the appraisal now (final values are requested from the offices)')
    .option('--finalize', 'compute the appraisal now with what is recorded')
    .option('--reason <text>', 'why', '')
    .addOption(yearOption())
    .action(async (unit: string, opts: { as: string; start?: boolean; finalize?: boolean; reason: string; year?: string }) => {
      const { handle } = await handleFor(unit, opts);
      let action: 'start' | 'finalize';
      if (opts.start && opts.finalize) throw new CliError('pass --start or --finalize, not both', EXIT.input);
      if (opts.start) action = 'start';
      else if (opts.finalize) action = 'finalize';
      else action = (await handle.query(statusQuery)).phase === 'running' ? 'start' : 'finalize';
      await update(() => handle.executeUpdate(triggerAppraisalUpdate, { args: [{ actor: { personId: opts.as, via: 'cli' }, action, reason: opts.reason }] }));
      io.out(action === 'start' ? 'year-end appraisal started: the offices are asked for their final values' : 'appraisal requested: it is computed, written and mailed now (see `cycle report`)');
    });

  program
    .command('report')
    .description('print the year-end appraisal report')
    .argument('<unit>', 'unit id')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'html', 'csv', 'json']).default('md'))
    .addOption(yearOption())
    .action(async (unit: string, opts: { format: 'md' | 'html' | 'csv' | 'json'; year?: string }) => {
      const { handle, plan } = await handleFor(unit, opts);
      const appraisal = await handle.query(appraisalQuery);
      if (!appraisal) throw new CliError(`the ${plan.year} appraisal has not been computed yet: see \`cycle status ${unit}\``, EXIT.refused);
      const state = await handle.query(stateQuery);
      const report = buildReport(plan, state, state.appraisal?.computedAt ?? Date.now());
      const render = { md: renderMarkdown, html: renderHtml, csv: renderCsv, json: (r: typeof report) => JSON.stringify(r, null, 2) }[opts.format];
      io.out(render(report).trimEnd());
    });

  program
    .command('simulate')
    .description("run a plan's whole year on the time-skipping test server with scripted offices and a local mail sink")
    .argument('<plan>', 'plan file')
    .option('--scenario <scenario>', 'all-on-time, none, or a scenario file (YAML/JSON)', 'all-on-time')
    .option('--json', 'print the appraisal, every e-mail and the history event counts as JSON')
    .action(async (file: string, opts: { scenario: string; json?: boolean }) => {
      const plan = loadPlan(file);
      const { simulateYear } = await import('./simulateCommand');
      const r = await simulateYear(plan, opts.scenario, (m, of) => {
        const bar = '█'.repeat(m) + '·'.repeat(of - m);
        if (process.stderr.isTTY) process.stderr.write(`\r  simulating ${plan.year}: ${bar} month ${m}/${of}${m === of ? '\n' : ''}`);
        else if (!opts.json) process.stderr.write(`  simulating ${plan.year}: ${bar} month ${m}/${of}\n`);
      });
      const a = r.result.appraisal;
      print(!!opts.json, { appraisal: a, mail: r.mail, history: { runs: r.runs, totalEvents: r.totalEvents }, workflowId: r.workflowId, scenario: r.scenario }, () => {
        const kinds: Record<string, number> = {};
        for (const m of r.mail) kinds[m.kind] = (kinds[m.kind] ?? 0) + 1;
        return [
          `scenario ${r.scenario}: ${plan.unit.name.zh} ${plan.year}`,
          `appraisal: ${a.total} / ${a.maxPoints}, ${a.gradeName}; ${a.consequence}`,
          ...a.categories.map((c) => `  ${c.name}: ${c.points} / ${c.maxPoints}`),
          `mail: ${r.mail.length} (${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', ')})`,
          `history: ${r.totalEvents} events in ${r.runs.length} runs (largest run ${Math.max(...r.runs.map((x) => x.events))})`,
        ].join('\n');
      });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.input;
    if (e instanceof CliError) {
      io.err(`error: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof PlanError) {
      io.err(e.message);
      return EXIT.input;
    }
    if (e instanceof ConfigError) {
      io.err(`error: ${e.message}`);
      return EXIT.input;
    }
    io.err(`internal error: ${(e as Error).stack ?? String(e)}`);
    return EXIT.internal;
  } finally {
    if (clientPromise) await clientPromise.then((c) => c.connection.close()).catch(() => undefined);
  }
}

