/**
 * The office page: what the office owes now and by when, its open targets with
 * progress, its revisions, the leader's comments on returned reports, the
 * instructions (批示) for it, and a 签收 button per dispatched period.
 */
import { monthTimetable } from '../../domain/calendar';
import { cycleProjection } from '../../domain/warnings';
import type { FastifyInstance } from 'fastify';
import { acknowledge } from '../../app/actions/officeReports';
import { officeRecord } from '../../app/actions/read';
import { targetsOfOffice, type CycleState, type ReportRecord } from '../../domain/cycle';
import { pagePath } from '../../domain/links';
import { formatLocal } from '../../domain/time';
import { owedByOffice } from '../../domain/view';
import { checkCsrf, cycleRefOf, field, requireSession, send, type Web } from '../context';
import { csrfField, html, table } from '../html';
import { evidenceLinks, goalOf, kindLabel, statusLabel, unitOf, windowOf, LIGHT_LABEL } from '../labels';

export const planNow = (state: CycleState) => Date.now() + state.clockOffsetMs;

function revisionRows(r: ReportRecord, zone: string, unitId: string, year: number) {
  return [r.revision, formatLocal(r.submittedAt, zone), r.by, Object.entries(r.values).map(([k, v]) => `${k} = ${v}`).join('; '), r.narrative, evidenceLinks(r.evidence, unitId, year)];
}

export function officeRoutes(f: FastifyInstance, web: Web) {
  f.get('/cycles/:unit/:year/offices/:office', async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const ref = cycleRefOf(req.params);
    const officeId = (req.params as { office: string }).office;
    const { actor } = await web.directory.actorFor(s.email, ref);
    const { plan, state } = await officeRecord(web.app, actor, ref, officeId);
    const z = plan.timeZone;
    const office = plan.offices.find((o) => o.id === officeId)!;
    const owes = owedByOffice(plan, state, planNow(state)).find((o) => o.officeId === officeId)?.owes ?? [];
    const periods = Object.values(state.periods).filter((p) => p.offices[officeId]);
    const owesTable = table(
      ['期次 Period', '类型 Kind', '状态 Status', '截止 Deadline', '', ''],
      owes.map((o) => {
        const op = state.periods[o.period].offices[officeId];
        return [
          o.period,
          kindLabel(o.kind),
          html`${statusLabel(o.status)}${o.late ? html` <b class="late">逾期 late ${o.lateByDays} 天 days</b>` : ''}`,
          o.deadline,
          html`<a class="button" href="${pagePath.reportForm(ref.unitId, ref.year, officeId, o.period)}">填报 Report</a>`,
          op.acknowledged
            ? html`<span class="muted">已签收 acknowledged ${formatLocal(op.acknowledged.at, z)}</span>`
            : html`<form method="post" action="${pagePath.office(ref.unitId, ref.year, officeId)}/acknowledge">${csrfField(s.csrf)}<input type="hidden" name="period" value="${o.period}"><button class="secondary">签收 Acknowledge</button></form>`,
        ];
      }),
      'stack',
    );
    // The early-warning projection of the cycle (rules v3; older cycles show no light).
    const lit = new Map(cycleProjection(plan, state, state.clockOffsetMs + Date.now()).targets.map((t) => [t.targetId, t]));
    const targets = table(
      ['指标 Target', '目标值 Goal', '时间 Window', '已报进度 Reported', '年底预测 Projected', '灯 Light'],
      targetsOfOffice(plan, officeId).map((t) => {
        const pr = lit.get(t.id);
        return [
          html`${t.id} ${t.text.zh}<br><span class="en">${t.text.en}</span>`,
          goalOf(t),
          windowOf(t),
          state.progress[t.id] ? `${state.progress[t.id].value} ${unitOf(t)}` : '—',
          pr?.projectedValue != null ? `${pr.projectedValue} ${unitOf(t)}` : '—',
          html`<span class="light-${pr?.light ?? 'unknown'}">${LIGHT_LABEL[pr?.light ?? 'unknown']}</span>`,
        ];
      }),
      'stack', // six columns do not fit a phone: each target becomes a card there
    );
    const revisions = periods.flatMap((p) => {
      const op = p.offices[officeId];
      return [...op.previous, ...(op.report ? [op.report] : [])].map((r) => [p.period, ...revisionRows(r, z, ref.unitId, ref.year)]);
    });
    const comments = periods.filter((p) => p.offices[officeId].review?.comment).map((p) => {
      const rv = p.offices[officeId].review!;
      return html`<div class="card ${rv.decision === 'return' ? 'error' : 'ok'}"><b>${p.period}</b> ${rv.decision === 'return' ? '退回 returned' : '通过 approved'} · ${rv.by} · ${formatLocal(rv.at, z)}<p>${rv.comment}</p></div>`;
    });
    // When nothing is owed, say when the next request comes (and, for a unit that adopted mid-year, since when it runs).
    const nextAt = state.phase === 'running' && state.nextMonth <= 12 ? monthTimetable(plan, state.nextMonth).dispatchAt : undefined;
    const nextDispatch = nextAt ? html` 下次调度 <span class="en">next month-end dispatch</span>: ${formatLocal(nextAt, z).slice(0, 16).replace('T', ' ')}` : '';
    const adopted = state.adoption ? html`<p class="muted">本系统自 ${formatLocal(state.adoption.at, z).slice(0, 10)} 起督办本计划；此前各期未要求报送，不计逾期。 <span class="en">The cycle runs here since ${formatLocal(state.adoption.at, z).slice(0, 10)}; earlier periods were never requested and are not late.</span></p>` : '';
    const instructions = (state.instructions ?? []).filter((i) => i.officeId === officeId).map((i) => html`<div class="card"><b>批示 #${i.seq}</b> ${i.targetId ?? ''} · ${i.by} · ${formatLocal(i.at, z)}<p>${i.text}</p></div>`);
    const body = html`<h1>${office.name.zh} <span class="en">${office.name.en}</span> · ${plan.unit.name.zh} ${plan.year}</h1>
<h2>待办 <span class="en">What you owe now</span></h2>${owes.length ? owesTable : html`<p class="muted">暂无待报事项。 <span class="en">Nothing is due now.</span>${nextDispatch}</p>`}${adopted}
<h2>领导意见 <span class="en">The leader's comments</span></h2>${comments.length ? comments : html`<p class="muted">—</p>`}
<h2>批示 <span class="en">Instructions</span></h2>${instructions.length ? instructions : html`<p class="muted">—</p>`}
<h2>指标与进度 <span class="en">Targets and progress</span></h2>${targets}
<h2>报送记录 <span class="en">Revisions filed</span></h2>${revisions.length ? table(['期次 Period', '版次 Rev.', '时间 At', '报送人 By', '数值 Values', '说明 Narrative', '佐证 Evidence'], revisions, 'stack') : html`<p class="muted">—</p>`}`;
    return send(reply, `${office.name.zh} ${office.name.en}`, body, s);
  });

  f.post('/cycles/:unit/:year/offices/:office/acknowledge', async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    checkCsrf(s, req.body);
    const ref = cycleRefOf(req.params);
    const officeId = (req.params as { office: string }).office;
    const { actor } = await web.directory.actorFor(s.email, ref);
    await acknowledge(web.app, actor, ref, { officeId, period: field(req.body, 'period') });
    return reply.redirect(pagePath.office(ref.unitId, ref.year, officeId), 303);
  });
}
