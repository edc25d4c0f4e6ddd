/** `cycle submit`, `cycle declare`, `cycle acknowledge`, `cycle template`: what an office does (operator tool: --as is trusted). */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkEvidenceFile, fileEvidence } from '../../app/actions/evidence';
import { acknowledge, declare, officeOf, submitReport } from '../../app/actions/officeReports';
import { officeRecord } from '../../app/actions/read';
import type { Actor, AppContext } from '../../app/context';
import { openCycle } from '../../app/cycles';
import { allTargets } from '../../domain/plan';
import { readValuesWorkbook, valuesTemplate, VALUES_WORKBOOK_LIMIT_BYTES } from '../excel/valuesWorkbook';
import { actorOf, asOption, CliError, cycleRef, EXIT, jsonOption, parsePeriod, parseValuesFile, parseYear, yearOption, type CommandEnv } from './support';

async function evidenceOf(ctx: AppContext, actor: Actor, files: string[] | undefined) {
  const out = [];
  for (const f of files ?? []) out.push(await fileEvidence(ctx, actor, f));
  return out;
}

async function valuesOf(ctx: AppContext, file: string, ref: { unitId: string; year: number }, actor: Actor, officeId: string | undefined, period: string) {
  if (!/\.xlsx$/i.test(file)) return parseValuesFile(file);
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`values file ${file}: no such file: check the path`, EXIT.input);
  }
  if (size > VALUES_WORKBOOK_LIMIT_BYTES) throw new CliError(`values workbook ${file} is ${(size / 1048576).toFixed(1)} MiB; the limit is ${VALUES_WORKBOOK_LIMIT_BYTES / 1048576} MiB: use the template from \`cycle template\``, EXIT.input);
  const { plan } = await openCycle(ctx, ref);
  return readValuesWorkbook(readFileSync(file), { plan, officeId: officeOf(plan, actor, officeId), period }, file);
}

export function register(program: Command, env: CommandEnv) {
  jsonOption(
    program
      .command('submit')
      .description("file an office's report for a period (values per target, narrative, evidence)")
      .argument('<unit>', 'unit id')
      .addOption(asOption())
      .requiredOption('--period <period>', 'e.g. 2026-04, 2026-Q2 (quarter-end months) or 2026-final')
      .requiredOption('--values <file>', 'JSON/YAML { "values": { "t1-1": 12 }, "narrative": "…" }, or the .xlsx from `cycle template`')
      .option('--office <office>', 'the office (default: the one --as belongs to)')
      .option('--narrative <text>', 'narrative (overrides the one in the values file)')
      .option('--evidence <file...>', 'evidence files, kept in the store by SHA-256')
      .option('--replace', 'send exactly these values; by default they merge into your previous revision for the period'),
  ).action(async (unit: string, o: { as: string; period: string; values: string; office?: string; narrative?: string; evidence?: string[]; replace?: boolean; json?: boolean }) => {
    const { period, year } = parsePeriod(o.period);
    // Everything that can be checked here is, before connecting: a bad file is exit 1 whether or not a server runs.
    const early = /\.xlsx$/i.test(o.values) ? undefined : parseValuesFile(o.values);
    for (const f of o.evidence ?? []) await checkEvidenceFile(f);
    const ctx = await env.app();
    const actor = actorOf(o.as);
    const ref = cycleRef(unit, year);
    const values = early ?? (await valuesOf(ctx, o.values, ref, actor, o.office, period));
    const evidence = await evidenceOf(ctx, actor, o.evidence);
    const r = await submitReport(ctx, actor, ref, { officeId: o.office, period, values: values.values, narrative: o.narrative ?? values.narrative, evidence, mode: o.replace ? 'replace' : 'merge' });
    env.print(o.json, r, () => `${r.officeId} ${period}: ${r.outcome} (revision ${r.revision}${r.late ? ', late' : ''})${evidence.length ? `; evidence ${evidence.map((e) => `${e.name} sha256:${e.sha256.slice(0, 12)}`).join(', ')}` : ''}`);
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
    .action(async (unit: string, o: { as: string; points: string; target?: string; narrative: string; office?: string; evidence?: string[]; year?: string }) => {
      const points = Number(o.points);
      if (!o.points.trim() || !Number.isFinite(points)) throw new CliError(`--points ${o.points} is not a number: write e.g. --points 60`, EXIT.input);
      for (const f of o.evidence ?? []) await checkEvidenceFile(f);
      const ctx = await env.app();
      const actor = actorOf(o.as);
      const evidence = await evidenceOf(ctx, actor, o.evidence);
      const r = await declare(ctx, actor, cycleRef(unit, parseYear(o.year)), { officeId: o.office, targetId: o.target, points, narrative: o.narrative, evidence });
      env.io.out(`declaration of ${points} points for ${r.targetId}: ${r.outcome} (revision ${r.revision})`);
    });

  program
    .command('acknowledge')
    .description("acknowledge receipt of a period's request (签收)")
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .requiredOption('--period <period>', 'e.g. 2026-04 or 2026-Q2')
    .option('--office <office>', 'the office')
    .action(async (unit: string, o: { as: string; period: string; office?: string }) => {
      const { period, year } = parsePeriod(o.period);
      const r = await acknowledge(await env.app(), actorOf(o.as), cycleRef(unit, year), { officeId: o.office, period });
      env.io.out(`${r.officeId} ${period}: ${r.first ? 'acknowledged' : `already acknowledged by ${r.by}`}`);
    });

  program
    .command('template')
    .description("an Excel values template for an office and period: one row per target it was asked about")
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .requiredOption('--period <period>', 'e.g. 2026-04, 2026-Q2 or 2026-final')
    .requiredOption('--out <file>', 'where to write the .xlsx')
    .option('--office <office>', 'the office')
    .action(async (unit: string, o: { as: string; period: string; out: string; office?: string }) => {
      const { period, year } = parsePeriod(o.period);
      const ctx = await env.app();
      const actor = actorOf(o.as);
      const ref = cycleRef(unit, year);
      const { plan } = await openCycle(ctx, ref);
      const officeId = officeOf(plan, actor, o.office);
      const { state } = await officeRecord(ctx, actor, ref, officeId);
      const asked = state.periods[period]?.offices[officeId]?.targets;
      if (!asked) throw new CliError(`${officeId} was not asked for ${period}: see \`cycle status ${unit} --office ${officeId}\` for the periods it owes`, EXIT.refused);
      const targets = allTargets(plan).map((r) => r.target).filter((t) => asked.includes(t.id));
      writeFileSync(o.out, await valuesTemplate(plan, officeId, period, targets));
      env.io.out(`wrote ${o.out}: ${targets.length} target(s) for ${officeId} ${period}; fill in column E and file it with \`cycle submit ${unit} --as ${actor.personId} --period ${period} --values ${o.out}\``);
    });
}
