/** What people read: the cycle's status, an office's page, the audit log, the appraisal report. */
import type { AuditEntry, CycleState } from '../../domain/cycle';
import type { Plan } from '../../domain/plan';
import { buildReport, renderCsv, renderHtml, renderMarkdown } from '../../domain/report';
import { rolesOf } from '../../domain/roles';
import type { CycleView } from '../../domain/view';
import { auditQuery, stateQuery, statusQuery } from '../../workflows/messages';
import type { Actor, AppContext, CycleRef } from '../context';
import { openCycle, query } from '../cycles';
import { AppError, badInput } from '../errors';

/** Who may read what: the group and the bureau see everything; an office person sees their own offices only. */
export function readableOffices(plan: Plan, actor: Actor): 'all' | string[] {
  const r = rolesOf(plan, actor.personId);
  if (!r) throw new AppError('refused', 'NOT_AUTHORISED', `${actor.personId} is not a person named in the plan`);
  if (r.groupMember || r.approver || r.appraisalTriggerer) return 'all';
  return r.offices;
}

function requireOffice(plan: Plan, officeId: string) {
  if (!plan.offices.some((o) => o.id === officeId)) throw badInput(`no office "${officeId}" in the plan: use one of ${plan.offices.map((o) => o.id).join(', ')}`);
}

/** The cycle's status; an operator (CLI) sees it all, a person through the web sees what `readableOffices` allows. */
export async function status(ctx: AppContext, ref: CycleRef, opts: { officeId?: string; actor?: Actor } = {}): Promise<CycleView> {
  const { handle, plan } = await openCycle(ctx, ref);
  if (opts.officeId) requireOffice(plan, opts.officeId);
  const view = await query(handle, (h) => h.query(statusQuery, (ctx.now ?? Date.now)()));
  const allowed = opts.actor ? readableOffices(plan, opts.actor) : 'all';
  const keep = (id: string) => (!opts.officeId || id === opts.officeId) && (allowed === 'all' || allowed.includes(id));
  // Office people see their own targets' lights; the unit's line is everyone's business.
  const projection = view.projection && { ...view.projection, targets: view.projection.targets.filter((t) => keep(t.officeId)), offices: view.projection.offices.filter((o) => keep(o.officeId)) };
  return { ...view, offices: view.offices.filter((o) => keep(o.officeId)), pendingApprovals: view.pendingApprovals.filter((p) => keep(p.officeId)), projection };
}

/** An office's own page: its plan entry and the cycle's record of it. */
export async function officeRecord(ctx: AppContext, actor: Actor, ref: CycleRef, officeId: string): Promise<{ plan: Plan; state: CycleState; officeId: string }> {
  const { handle, plan } = await openCycle(ctx, ref);
  requireOffice(plan, officeId);
  const allowed = readableOffices(plan, actor);
  if (allowed !== 'all' && !allowed.includes(officeId)) throw new AppError('refused', 'NOT_AUTHORISED', `${actor.personId} may not see ${officeId}'s reports`);
  return { plan, state: await query(handle, (h) => h.query(stateQuery)), officeId };
}

/** The audit log, at any time of the year; an office person sees the entries about their offices. */
export async function auditLog(ctx: AppContext, ref: CycleRef, actor?: Actor): Promise<{ timeZone: string; entries: AuditEntry[] }> {
  const { handle, plan } = await openCycle(ctx, ref);
  const all = await query(handle, (h) => h.query(auditQuery));
  const allowed = actor ? readableOffices(plan, actor) : 'all';
  const entries = allowed === 'all' ? all : all.filter((e) => e.actor === actor?.personId || allowed.some((o) => e.subject.split('/').includes(o)));
  return { timeZone: plan.timeZone, entries };
}

export type ReportFormat = 'md' | 'html' | 'csv' | 'json';

/** The year-end appraisal report, rendered now from the recorded inputs (the same as the files the worker wrote). */
export async function appraisalReport(ctx: AppContext, ref: CycleRef, format: ReportFormat) {
  const { handle, plan } = await openCycle(ctx, ref);
  const state = await query(handle, (h) => h.query(stateQuery));
  if (!state.appraisal?.result) throw new AppError('refused', 'WRONG_PHASE', `the ${plan.year} appraisal has not been computed yet: see \`cycle status ${ref.unitId}\``);
  const report = buildReport(plan, state, state.appraisal.computedAt ?? Date.now());
  const render = { md: renderMarkdown, html: renderHtml, csv: renderCsv, json: (r: typeof report) => JSON.stringify(r, null, 2) }[format];
  return { report, text: render(report) };
}
