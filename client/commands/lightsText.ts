/** The lights and the year-end projection as text, for `cycle status` and the what-if. */
import type { ProjectionSummary } from '../../domain/projection';
import { describeReasons } from '../../domain/warningMail';
import { table } from './support';

const LABEL = { red: 'RED', amber: 'AMBER', green: 'green', unknown: '—' } as const;
const n = (v: number | null) => (v === null ? '—' : String(v));

export function unitLine(p: ProjectionSummary): string {
  const u = p.unit;
  if (!u.knownTargets) return 'early warning: nothing to project from yet (no target reported)';
  return `early warning: unit ${LABEL[u.light]}; year-end projection ${u.estimate} / ${u.maxPoints} (${u.gradeName}), from ${u.knownTargets} of ${u.targets} targets (${u.projectedPoints} of their ${u.ofPoints} points)`;
}

export function lightsText(p: ProjectionSummary | undefined): string[] {
  if (!p) return [];
  const offices = p.offices.map((o) => `${o.officeId} ${LABEL[o.light]}${o.red.length ? ` (red: ${o.red.join(' ')})` : ''}${o.amber.length ? ` (amber: ${o.amber.join(' ')})` : ''}`);
  const rows = p.targets.map((t) => [t.targetId, t.officeId, LABEL[t.light], n(t.expectedNow), t.reported === null ? '—' : `${t.reported} (${t.reportedFor})`, n(t.projectedValue), t.projectedPoints === null ? '—' : `${t.projectedPoints} / ${t.maxPoints}`, describeReasons(t.reasons)]);
  return [unitLine(p), `offices: ${offices.join('; ')}`, '', table(['target', 'office', 'light', 'expected now', 'reported', 'projected', 'points', 'why'], rows)];
}
