/** `cycle simulate`: a plan's whole year on a private time-skipping server with scripted offices and a mail sink. */
import type { Command } from 'commander';
import { bundleCacheDir } from '../../infra/config';
import { loadPlan } from '../planLoader';
import { CliError, EXIT, type CommandEnv } from './support';
import { runWhatIf } from './whatIf';

export function register(program: Command, env: CommandEnv) {
  program
    .command('simulate')
    .description("run a plan's whole year on the time-skipping test server with scripted offices and a local mail sink")
    .argument('[plan]', 'plan file (not with --from)')
    .option('--from <unit>', "what-if: the rest of this unit's running year, from a copy of its current state")
    .option('--year <year>', 'with --from: the plan year (default: the current year)')
    .option('--scenario <scenario>', 'all-on-time, none, or a scenario file (YAML/JSON)', 'all-on-time')
    .option('--json', 'print the appraisal, every e-mail, lateness per office and period, and the history event counts as JSON')
    .action(async (file: string | undefined, o: { scenario: string; json?: boolean; from?: string; year?: string }) => {
      if (o.from) return runWhatIf(env, o.from, o);
      if (!file) throw new CliError('give a plan file to simulate, or --from UNIT for a what-if from a running cycle', EXIT.input);
      const plan = loadPlan(file);
      const { simulateYear } = await import('../simulateCommand');
      const r = await simulateYear(plan, o.scenario, (m, of) => {
        const bar = '█'.repeat(m) + '·'.repeat(of - m);
        if (process.stderr.isTTY) process.stderr.write(`\r  simulating ${plan.year}: ${bar} month ${m}/${of}${m === of ? '\n' : ''}`);
        else if (!o.json) process.stderr.write(`  simulating ${plan.year}: ${bar} month ${m}/${of}\n`);
      }, undefined, bundleCacheDir(env.config()));
      const a = r.result.appraisal;
      env.print(o.json, { appraisal: a, mail: r.mail, lateness: r.lateness, history: { runs: r.runs, totalEvents: r.totalEvents }, workflowId: r.workflowId, scenario: r.scenario }, () => {
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
}
