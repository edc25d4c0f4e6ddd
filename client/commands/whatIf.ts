/** `cycle simulate --from UNIT --scenario FILE`: "if rural-social stays 5 days late and reaches 80%, what is our grade?" */
import { cycleSnapshot } from '../../app/actions/whatIf';
import { bundleCacheDir } from '../../infra/config';
import { loadScenario } from '../simulate';
import { unitLine } from './lightsText';
import { CliError, cycleRef, EXIT, parseYear, type CommandEnv } from './support';

export async function runWhatIf(env: CommandEnv, unit: string, o: { scenario: string; year?: string; json?: boolean }): Promise<void> {
  let scenario;
  try {
    scenario = loadScenario(o.scenario);
  } catch (e) {
    throw new CliError((e as Error).message, EXIT.input);
  }
  if (scenario.start) throw new CliError(`scenario ${o.scenario} has "start": a what-if continues from the cycle's own plan time; remove it`, EXIT.input);
  const snapshot = await cycleSnapshot(await env.app(), cycleRef(unit, parseYear(o.year)));
  const { whatIf } = await import('../whatIf');
  const r = await whatIf(snapshot, scenario, (m, of) => {
    if (!o.json) process.stderr.write(`  what-if ${snapshot.plan.year}: month ${m}/${of}\n`);
  }, bundleCacheDir(env.config()));
  const a = r.appraisal;
  env.print(o.json, r, () =>
    [
      `what-if "${r.scenario}" from ${r.from.workflowId} at plan time ${r.from.planNow} (a copy on a private server; the live cycle is unchanged)`,
      `now:       ${unitLine(r.from.projection)}`,
      `projected appraisal: ${a.total} / ${a.maxPoints}, ${a.gradeName}; ${a.consequence}`,
      ...a.categories.map((c) => `  ${c.name}: ${c.points} / ${c.maxPoints}`),
      r.warnings.length ? `warnings the rest of the year would bring: ${r.warnings.map((w) => `${w.date.slice(0, 10)} ${w.office}`).join(', ')}` : 'no further warnings in this scenario',
    ].join('\n'),
  );
}
