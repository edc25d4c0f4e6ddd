/** `cycle approve|return|close-check|comment|instruct|verify`: the assessment group's decisions. */
import { Option, type Command } from 'commander';
import { closeCheck, commentReview, instruct, reviewReport, verifyValues } from '../../app/actions/groupDecisions';
import { actorOf, asOption, cycleRef, jsonOption, parseValuesFile, parseYear, quarterPeriod, yearOption, type CommandEnv } from './support';

export function register(program: Command, env: CommandEnv) {
  for (const decision of ['approve', 'return'] as const) {
    jsonOption(
      program
        .command(decision)
        .description(decision === 'approve' ? "approve an office's quarterly report (group leader)" : "return an office's quarterly report with a comment (group leader)")
        .argument('<unit>', 'unit id')
        .addOption(asOption())
        .requiredOption('--office <office>', 'the office whose report it is')
        .requiredOption('--quarter <quarter>', '1-4, Q2 or 2026-Q2')
        .option('--comment <text>', decision === 'return' ? 'what to fix (required)' : 'comment', '')
        .addOption(yearOption()),
    ).action(async (unit: string, o: { as: string; office: string; quarter: string; comment: string; year?: string; json?: boolean }) => {
      const year = parseYear(o.year);
      const period = quarterPeriod(year, o.quarter);
      const r = await reviewReport(await env.app(), actorOf(o.as), cycleRef(unit, year), { officeId: o.office, period, decision, comment: o.comment });
      env.print(o.json, r, () => `${o.office} ${period}: ${r.status}${r.newDeadline ? `, due again ${r.newDeadline}` : ''}`);
    });
  }

  jsonOption(
    program
      .command('close-check')
      .description('close a quarterly check, recording the reports still missing (group leader)')
      .argument('<unit>', 'unit id')
      .addOption(asOption())
      .requiredOption('--quarter <quarter>', '1-4, Q2 or 2026-Q2')
      .option('--comment <text>', 'comment', '')
      .addOption(yearOption()),
  ).action(async (unit: string, o: { as: string; quarter: string; comment: string; year?: string; json?: boolean }) => {
    const year = parseYear(o.year);
    const period = quarterPeriod(year, o.quarter);
    const r = await closeCheck(await env.app(), actorOf(o.as), cycleRef(unit, year), { period, comment: o.comment });
    env.print(o.json, r, () => `${period} check closed${r.missing.length ? `; missing: ${r.missing.join(', ')}` : '; all approved'}`);
  });

  program
    .command('comment')
    .description('add a comment to the half-year review (leader, or a member the plan allows)')
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .requiredOption('--text <text>', 'the comment')
    .option('--office <office>', 'for this office only')
    .addOption(yearOption())
    .action(async (unit: string, o: { as: string; text: string; office?: string; year?: string }) => {
      await commentReview(await env.app(), actorOf(o.as), cycleRef(unit, parseYear(o.year)), { officeId: o.office, comment: o.text });
      env.io.out('comment recorded for the half-year review');
    });

  program
    .command('instruct')
    .description("leave an instruction (批示) on an office or one of its targets; the office sees it on its page (group leader)")
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .requiredOption('--office <office>', 'the office')
    .option('--target <id>', 'one of its targets')
    .requiredOption('--text <text>', 'the instruction')
    .addOption(yearOption())
    .action(async (unit: string, o: { as: string; office: string; target?: string; text: string; year?: string }) => {
      const r = await instruct(await env.app(), actorOf(o.as), cycleRef(unit, parseYear(o.year)), { officeId: o.office, targetId: o.target, text: o.text });
      env.io.out(`instruction #${r.seq} recorded for ${o.office}${o.target ? `/${o.target}` : ''}`);
    });

  program
    .command('verify')
    .description("record the leader's verified values for the appraisal (they may differ from the reported ones)")
    .argument('<unit>', 'unit id')
    .addOption(asOption())
    .requiredOption('--values <file>', 'JSON/YAML: { "values": { "t1-1": 11.5 } }')
    .addOption(new Option('--municipal-grade <grade>', "the municipal government's appraisal result").choices(['excellent', 'good', 'pass', 'unqualified']))
    .addOption(yearOption())
    .action(async (unit: string, o: { as: string; values: string; municipalGrade?: 'excellent' | 'good' | 'pass' | 'unqualified'; year?: string }) => {
      const values = parseValuesFile(o.values);
      const r = await verifyValues(await env.app(), actorOf(o.as), cycleRef(unit, parseYear(o.year)), { values: values.values, municipalGrade: o.municipalGrade });
      env.io.out(`${r.recorded} verified value(s) recorded`);
    });
}
