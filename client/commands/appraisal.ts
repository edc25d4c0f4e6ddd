/** `cycle appraise` and `cycle report`: the bureau's year-end run and its report. */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { triggerAppraisal } from '../../app/actions/groupDecisions';
import { appraisalReport, status } from '../../app/actions/read';
import { openCycle } from '../../app/cycles';
import { appraisalWorkbook } from '../excel/appraisalWorkbook';
import { actorOf, asOption, CliError, cycleRef, EXIT, parseYear, yearOption, type CommandEnv } from './support';

export function register(program: Command, env: CommandEnv) {
  program
    .command('appraise')
    .description('the bureau triggers the year-end appraisal run: --start opens the final round early, --finalize computes it now')
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .option('--start', 'start the appraisal now: the offices are asked for their final values')
    .option('--finalize', 'compute the appraisal now with what is recorded (offices can file nothing after)')
    .option('--reason <text>', 'why', '')
    .addOption(yearOption())
    .action(async (unit: string, o: { as: string; start?: boolean; finalize?: boolean; reason: string; year?: string }) => {
      if (o.start && o.finalize) throw new CliError('pass --start or --finalize, not both', EXIT.input);
      const ctx = await env.app();
      const ref = cycleRef(unit, parseYear(o.year));
      if (!o.start && !o.finalize) {
        // Never guess between "ask the offices" and "score now": say what each would do.
        const v = await status(ctx, ref);
        const what =
          v.phase === 'running'
            ? `the year is running: --start opens the final round now (offices are asked for final values, due within the plan's working days); --finalize is possible only after that`
            : v.phase === 'appraisal'
              ? `the final round is open until ${v.appraisal?.closeAt} (offices were told to report by then): --finalize scores it now with what is recorded, and nothing can be filed after`
              : 'the year is appraised; there is nothing to trigger';
        throw new CliError(`say what to do: ${what}`, EXIT.input);
      }
      const action = o.start ? 'start' : 'finalize';
      await triggerAppraisal(ctx, actorOf(o.as), ref, { action, reason: o.reason });
      env.io.out(action === 'start' ? 'year-end appraisal started: the offices are asked for their final values' : 'appraisal requested: it is computed, written and mailed now (see `cycle report`)');
    });

  program
    .command('report')
    .description('print the year-end appraisal report (xlsx is written to --out)')
    .argument('<unit>', 'unit id')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'html', 'csv', 'json', 'xlsx']).default('md'))
    .option('--out <file>', 'write to this file (required for xlsx)')
    .addOption(yearOption())
    .action(async (unit: string, o: { format: 'md' | 'html' | 'csv' | 'json' | 'xlsx'; out?: string; year?: string }) => {
      const ctx = await env.app();
      const ref = cycleRef(unit, parseYear(o.year));
      if (o.format === 'xlsx') {
        if (!o.out) throw new CliError('--format xlsx writes a workbook: pass --out FILE.xlsx', EXIT.input);
        const { report } = await appraisalReport(ctx, ref, 'json');
        const { plan } = await openCycle(ctx, ref);
        writeFileSync(o.out, await appraisalWorkbook(report, plan));
        return env.io.out(`wrote ${o.out}`);
      }
      const { text } = await appraisalReport(ctx, ref, o.format);
      if (o.out) {
        writeFileSync(o.out, text);
        return env.io.out(`wrote ${o.out}`);
      }
      env.io.out(text.trimEnd());
    });
}
