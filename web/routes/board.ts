/**
 * The board (督办看板) for the bureau and the group: offices by months, the
 * running and projected score, and starting or finalising the year-end
 * appraisal, each behind a confirmation page that says what will happen.
 */
import { LIGHT_LABEL } from '../labels';
import type { FastifyInstance } from 'fastify';
import { groupRecord } from '../../app/actions/groupView';
import { triggerAppraisal } from '../../app/actions/groupDecisions';
import { badInput } from '../../app/errors';
import { pagePath } from '../../domain/links';
import { cycleView } from '../../domain/view';
import { boardRows, CELL_LABEL, unacknowledged } from '../board';
import { cycleRefOf, field, requireSession, send, type Web, formActor } from '../context';
import { bi, csrfField, html, table } from '../html';
import { planNow } from './office';

const WHAT: Record<'start' | 'finalize', [string, string, string]> = {
  start: [
    '启动年底考评',
    'Start the year-end appraisal',
    '各科室将收到年终报送通知（最终数值和年末申报），季度催办停止；小组长随后可核实数值。 Every office is mailed a request for its final values and year-end declaration; monthly and quarterly chasing stops; the leader can then verify values.',
  ],
  finalize: [
    '完成年底考评',
    'Finalise the appraisal now',
    '立即以已记录的数值计算 680 分考评、等次和评先评优资格，生成报告并发送给小组；此后不再接受任何报送。 The 680-point appraisal, the grade and the consequence rule are computed now from what is recorded; the report is written and mailed to the group; the cycle then accepts no more reports.',
  ],
};

function actionOf(v: string): 'start' | 'finalize' {
  if (v !== 'start' && v !== 'finalize') throw badInput(`"${v.slice(0, 20)}" is not an appraisal action: use the buttons on the board`);
  return v;
}

export function boardRoutes(f: FastifyInstance, web: Web) {
  f.get('/cycles/:unit/:year/board', async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const ref = cycleRefOf(req.params);
    const { actor, roles } = await web.directory.actorFor(s.email, ref);
    const { plan, state } = await groupRecord(web.app, actor, ref);
    const now = planNow(state);
    const view = cycleView(plan, state, now);
    const months = Array.from({ length: 12 }, (_, i) => `${i + 1}月`);
    const grid = table(
      ['科室 Office', ...months],
      boardRows(plan, state, now).map((r) => [r.name, ...r.cells.map((c) => html`<span class="${c}" title="${CELL_LABEL[c][1]}">${CELL_LABEL[c][0]}</span>`)]),
      'cells',
    );
    const appraisalAction = state.phase === 'running' && !state.appraisalStartRequestedBy ? 'start' : state.phase === 'appraisal' && !state.appraisal?.finalizeRequestedBy ? 'finalize' : undefined;
    const a = view.appraisal;
    const body = html`<h1>督办看板 <span class="en">Board</span> · ${plan.unit.name.zh} ${plan.year}</h1>
<div class="card"><p>计划时钟 <span class="en">Plan clock</span>: ${view.planNow.slice(0, 16).replace('T', ' ')} · 阶段 <span class="en">phase</span>: ${view.phase}</p>
<p>当前得分 <span class="en">Running score</span>: <b>${view.runningScore.total} / ${view.runningScore.maxPoints}</b> · 年底预测 <span class="en">year-end projection</span>: ${
      view.projection.unit.knownTargets
        ? html`<b>${view.projection.unit.estimate} / ${view.projection.unit.maxPoints}</b> (${view.projection.unit.gradeName}; ${view.projection.unit.knownTargets} / ${view.projection.unit.targets} 项有数据 <span class="en">targets with data</span>) · <span class="light-${view.projection.unit.light}">${LIGHT_LABEL[view.projection.unit.light]}</span>`
        : html`尚无报告 <span class="en">no reports yet</span>`
    }</p>
${a?.total !== undefined ? html`<p>考评结果 <span class="en">Appraisal</span>: <b>${a.total} / ${a.maxPoints}</b> ${a.grade} · <a href="${pagePath.appraisal(ref.unitId, ref.year)}">报告 Report</a></p>` : ''}
<p>逾期科室 <span class="en">Late offices</span>: ${view.lateOffices.join(', ') || '—'} · 待审 <span class="en">awaiting approval</span>: ${view.pendingApprovals.length}</p>
<p>未签收 <span class="en">Not acknowledged</span>: ${unacknowledged(state).map((u) => `${u.period}: ${u.offices.join(', ')}`).join(' · ') || '—'}</p></div>
<p class="muted">${(Object.keys(CELL_LABEL) as (keyof typeof CELL_LABEL)[]).map((c) => html`<span class="${c}">${CELL_LABEL[c][0]}</span> ${CELL_LABEL[c][1]} · `)}</p>
${grid}
${roles.appraisalTriggerer && appraisalAction ? html`<p><a class="button" href="${pagePath.board(ref.unitId, ref.year)}/appraisal?action=${appraisalAction}">${bi(WHAT[appraisalAction][0], WHAT[appraisalAction][1])}</a></p>` : ''}`;
    return send(reply, '督办看板 Board', body, s);
  });

  // The confirmation page: a GET changes nothing; the button on it POSTs.
  f.get('/cycles/:unit/:year/board/appraisal', async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const ref = cycleRefOf(req.params);
    const action = actionOf(String((req.query as Record<string, unknown>).action ?? ''));
    const { actor } = await web.directory.actorFor(s.email, ref);
    const [zh, en, what] = WHAT[action];
    // Starting early skips what the year still had to run: say which, so nobody does it by mistake.
    const { plan, state } = await groupRecord(web.app, actor, ref);
    const early =
      action === 'start' && state.nextMonth <= 12
        ? html`<p class="error card"><b>提前启动</b>：${state.nextMonth}–12 月的月底调度及第四季度督查将不再进行（正常情况下，年底考评在 12 月督查结束后自动开始）。 <span class="en">Early: the month-end dispatches of months ${state.nextMonth}-12 of ${plan.year} and the Q4 check will not happen (normally the appraisal starts by itself when the December check closes).</span></p>`
        : '';
    const body = html`<h1>${zh} <span class="en">${en}</span></h1>${early}<div class="card"><p>${what}</p>
<form method="post" action="${pagePath.board(ref.unitId, ref.year)}/appraisal">${csrfField(s.csrf)}<input type="hidden" name="action" value="${action}">
<label for="reason">理由（可选） <span class="en">Reason (optional)</span></label><input type="text" id="reason" name="reason">
<button>确认 Confirm: ${en}</button> <a href="${pagePath.board(ref.unitId, ref.year)}">取消 Cancel</a></form></div>`;
    return send(reply, `${zh} ${en}`, body, s);
  });

  f.post('/cycles/:unit/:year/board/appraisal', async (req, reply) => {
    const form = await formActor(web, req, reply);
    if (!form) return reply;
    const { ref, actor } = form;
    await triggerAppraisal(web.app, actor, ref, { action: actionOf(field(req.body, 'action')), reason: field(req.body, 'reason') });
    return reply.redirect(pagePath.board(ref.unitId, ref.year), 303);
  });
}
