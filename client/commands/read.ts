/** `cycle status`, `cycle audit`, `cycle list`: what anyone can see at any moment. */
import type { Command } from 'commander';
import { listCycles } from '../../app/actions/admin';
import { auditLog, status } from '../../app/actions/read';
import { formatLocal } from '../../domain/time';
import type { CycleView } from '../../domain/view';
import { lightsText } from './lightsText';
import { cycleRef, jsonOption, parseYear, table, yearOption, type CommandEnv } from './support';

function statusText(v: CycleView): string {
  const lines = [
    `${v.unit.name} ${v.year} (${v.workflowId}), plan ${v.planVersion}`,
    `phase: ${v.phase}${v.finished ? ' (finished)' : ''}; plan time now ${v.planNow}; next event ${v.nextEventAt ?? '(waiting for people)'}`,
    `running score: ${v.runningScore.total} / ${v.runningScore.maxPoints}; projected: ${v.projectedScore.reportedTargets ? `${v.projectedScore.total} / ${v.projectedScore.maxPoints} (${v.projectedScore.grade})` : 'no reports yet'}`,
  ];
  if (v.adoption) lines.push(`adopted ${v.adoption.at}: ${v.adoption.periodsBefore.length ? `${v.adoption.periodsBefore.join(', ')} were before adoption (never requested, not counted as late)` : 'from the first month'}`);
  if (v.halfYearReview.skipped) lines.push('half-year review: none this year (the cycle started after it was due)');
  for (const w of v.calendarWarnings) lines.push(`warning: ${w}`);
  lines.push('');
  const rows = v.offices.flatMap((o) => {
    const owed = o.owes.map((x) => [o.officeId, x.period, x.status, x.deadline, x.late ? `LATE ${x.lateByDays} d` : 'on time', x.targets.join(' ')]);
    const filed = o.filed.map((f) => [o.officeId, f.period, f.awaitingApproval ? `submitted, revision ${f.revision}, awaiting approval` : `${f.status}, revision ${f.revision}`, '', '', '']);
    const all = [...owed, ...filed];
    return all.length ? all : [[o.officeId, '—', 'nothing owed', '', '', '']];
  });
  lines.push(table(['office', 'period', 'status', 'deadline', 'late', 'targets'], rows));
  if (v.pendingApprovals.length) lines.push('', 'pending approvals:', table(['period', 'office', 'submitted', 'revision'], v.pendingApprovals.map((p) => [p.period, p.officeId, p.submittedAt, p.revision])));
  if (v.appraisal) lines.push('', `appraisal: started ${v.appraisal.startedAt}, closes ${v.appraisal.closeAt}${v.appraisal.total !== undefined ? `; result ${v.appraisal.total} / ${v.appraisal.maxPoints}, ${v.appraisal.grade}, ${v.appraisal.eligibleForExcellence ? 'eligible' : 'not eligible'} for excellence` : ''}`);
  if (v.deliveryFailures.length) lines.push('', 'mail that could not be delivered:', ...v.deliveryFailures.map((f) => `  ${f.at} ${f.key}: ${f.error}`));
  if (v.projection) lines.push('', ...lightsText(v.projection));
  return lines.join('\n');
}

export function register(program: Command, env: CommandEnv) {
  jsonOption(
    program
      .command('status')
      .description('what each office owes and has filed, what is late, pending approvals, running and projected score')
      .argument('<unit>', 'unit id, e.g. yiyang-st-bureau')
      .addOption(yearOption())
      .option('--office <office>', 'only this office'),
  ).action(async (unit: string, o: { year?: string; office?: string; json?: boolean }) => {
    const v = await status(await env.app(), cycleRef(unit, parseYear(o.year)), { officeId: o.office });
    env.print(o.json, v, () => statusText(v));
  });

  jsonOption(
    program
      .command('audit')
      .description('the audit log so far: who did what, when, with the digest of what they sent')
      .argument('<unit>', 'unit id')
      .addOption(yearOption()),
  ).action(async (unit: string, o: { year?: string; json?: boolean }) => {
    const { timeZone, entries } = await auditLog(await env.app(), cycleRef(unit, parseYear(o.year)));
    env.print(o.json, entries, () =>
      entries.length ? table(['#', 'at', 'actor', 'action', 'subject', 'outcome', 'sha256'], entries.map((e) => [e.seq, formatLocal(e.at, timeZone), e.actor, e.action, e.subject, e.outcome, e.digest.slice(0, 16)])) : 'nothing recorded yet',
    );
  });

  jsonOption(program.command('list').description('running and finished cycles: unit, year, phase, next event, late offices')).action(async (o: { json?: boolean }) => {
    const rows = await listCycles(await env.app());
    env.print(o.json, rows, () =>
      rows.length ? table(['cycle', 'unit', 'year', 'status', 'phase', 'next event (UTC)', 'late offices'], rows.map((r) => [r.workflowId, r.unit, r.year, r.status, r.phase, r.nextEvent, r.lateOffices.join(', ')])) : 'no cycles yet: start one with `cycle start PLAN`',
    );
  });
}
