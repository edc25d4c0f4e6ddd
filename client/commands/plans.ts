/** `cycle validate`, `cycle start`, `cycle import`: plan files, from the signed document to a running cycle. */
import { Option, type Command } from 'commander';
import { DateTime } from 'luxon';
import { startCycle } from '../../app/actions/admin';
import { calendarWarnings } from '../../domain/calendarCoverage';
import { allTargets, type Plan } from '../../domain/plan';
import { loadPlan, PlanError } from '../planLoader';
import { importCommand } from './import';
import { CliError, EXIT, jsonOption, parseYear, table, type CommandEnv } from './support';

function summary(file: string, plan: Plan): string {
  const refs = allTargets(plan);
  const lines = [`${file}: valid plan ${plan.planVersion} for ${plan.unit.name.zh} (${plan.unit.name.en}), ${plan.year}, ${plan.timeZone}`, `total: ${plan.totalPoints} points`];
  for (const c of plan.categories) lines.push(`  ${c.name.zh} ${c.name.en}: ${c.points} points (${c.indicators.map((i) => i.points).join(' + ')})`);
  lines.push('', 'targets per office (lead / co-owner) and months with work:');
  const rows = plan.offices.map((o) => {
    const mine = refs.filter((r) => r.target.offices.lead === o.id || r.target.offices.coOwners.includes(o.id));
    const bar = Array.from({ length: 12 }, (_, i) => (mine.some((r) => r.target.window.startMonth <= i + 1 && i + 1 <= r.target.window.endMonth) ? '█' : '·')).join('');
    return [o.id, o.name.zh, String(refs.filter((r) => r.target.offices.lead === o.id).length), String(refs.filter((r) => r.target.offices.coOwners.includes(o.id)).length), bar];
  });
  lines.push(table(['office', '科室', 'lead', 'co', 'JFMAMJJASOND'], rows));
  lines.push('', `calendar: ${plan.resolvedCalendar.holidays.length} holidays, ${plan.resolvedCalendar.workingDays.length} make-up working days (${plan.resolvedCalendar.provenance})`);
  for (const w of calendarWarnings(plan)) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function register(program: Command, env: CommandEnv) {
  program
    .command('validate')
    .description('check a plan file (YAML or JSON); print a summary, or every problem with its path and line')
    .argument('<plan>', 'plan file')
    .option('--json', 'print the normalized plan as JSON, or the problems as JSON')
    .addOption(new Option('--year <year>', 'check the plan as run for another year'))
    .action((file: string, o: { json?: boolean; year?: string }) => {
      let plan: Plan;
      try {
        plan = loadPlan(file, o.year ? { year: parseYear(o.year) } : {});
      } catch (e) {
        if (o.json && e instanceof PlanError) {
          env.io.out(JSON.stringify({ valid: false, file, problems: e.issues }, null, 2));
          throw new CliError(e.message, EXIT.input);
        }
        throw e;
      }
      if (o.json) return env.io.out(JSON.stringify({ ...plan, warnings: calendarWarnings(plan) }, null, 2));
      env.io.out(summary(file, plan));
    });

  jsonOption(
    program
      .command('start')
      .description("start the cycle for a plan's unit and year (once: starting it again changes nothing)")
      .argument('<plan>', 'plan file')
      .addOption(new Option('--year <year>', 'run the plan for this year instead of the year it names')),
  ).action(async (file: string, o: { year?: string; json?: boolean }) => {
    const plan = loadPlan(file, o.year ? { year: parseYear(o.year) } : {});
    const nowYear = DateTime.now().setZone(plan.timeZone).year;
    if (plan.year < nowYear) throw new CliError(`the plan year ${plan.year} is over: pass --year ${nowYear} to run this plan for this year, or replay ${plan.year} with \`cycle simulate ${file}\``, EXIT.input);
    const r = await startCycle(await env.app(), plan);
    env.print(o.json, r, () =>
      r.status === 'started'
        ? `started ${r.workflowId} (plan ${plan.planVersion}, ${plan.year})`
        : `${r.workflowId} is ${r.status === 'already-running' ? 'already running' : 'already finished'}; nothing changed${
            r.runningPlanVersion
              ? ` (it runs plan version ${r.runningPlanVersion}, not ${plan.planVersion}: a signed plan does not change under a running cycle)`
              : r.differsFromRunning
                ? ` (this file differs from the plan version ${plan.planVersion} the cycle runs: a signed plan does not change; record a change as a new planVersion)`
                : ''
          }`,
    );
  });

  program
    .command('import')
    .description('draft a plan file from the signed document (text pulled out of a PDF, .docx or .pdf)')
    .argument('<doc>', 'the document')
    .option('--out <file>', 'write the draft here (default: print it)')
    .option('--default-office <name>', 'give indicators the document assigns to no office to this one (marked CHOICE)')
    .option('--force', 'replace --out if it exists')
    .action(async (doc: string, o: { out?: string; defaultOffice?: string; force?: boolean }) => {
      const args = [doc, ...(o.out ? ['--out', o.out] : []), ...(o.defaultOffice ? ['--default-office', o.defaultOffice] : []), ...(o.force ? ['--force'] : [])];
      const code = await importCommand(args, env.io);
      if (code !== 0) throw new CliError('', code);
    });
}
