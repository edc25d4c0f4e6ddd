/** The half-year review (半年点评): the standing of every target at the end of June, and the group's comments. */
import type { FastifyInstance } from 'fastify';
import { commentReview } from '../../app/actions/groupDecisions';
import { groupRecord } from '../../app/actions/groupView';
import { pagePath } from '../../domain/links';
import { allTargets, round2 } from '../../domain/plan';
import { formatLocal } from '../../domain/time';
import { halfYearStanding } from '../../domain/view';
import { cycleRefOf, field, requireSession, send, type Web, formActor } from '../context';
import { csrfField, html, table } from '../html';

export function reviewRoutes(f: FastifyInstance, web: Web) {
  f.get('/cycles/:unit/:year/review', async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const ref = cycleRefOf(req.params);
    const { actor, roles } = await web.directory.actorFor(s.email, ref);
    const { plan, state } = await groupRecord(web.app, actor, ref);
    const standing = halfYearStanding(plan, state);
    const r = state.review;
    const status = r.skipped ? '本年度无半年点评 No review this year (the cycle started after it)' : r.sentAt !== undefined ? `已发送 sent ${formatLocal(r.sentAt, plan.timeZone)}` : '待发送 not yet sent';
    const form =
      roles.reviewCommenter && !r.skipped && r.sentAt === undefined
        ? html`<form method="post" action="${pagePath.review(ref.unitId, ref.year)}" class="card">${csrfField(s.csrf)}
<label for="o">科室 <span class="en">Office</span></label><select id="o" name="officeId"><option value="">全体 All offices</option>${plan.offices.map((o) => html`<option value="${o.id}">${o.name.zh} ${o.name.en}</option>`)}</select>
<label for="c">点评 <span class="en">Comment</span></label><textarea id="c" name="comment"></textarea><div><button>添加点评 Add comment</button></div></form>`
        : '';
    const textOf = new Map(allTargets(plan).map((x) => [x.target.id, x.target.text]));
    // A skipped review has no standing to show; otherwise every target against its pro-rata goal at the end of June.
    const standingTable = r.skipped
      ? ''
      : table(
          ['指标 Target', '按进度目标 Pro-rata goal', '已报 Reported', '得分 Points', '说明 Explanation'],
          standing.targets.map((t) => [
            html`${t.targetId} ${textOf.get(t.targetId)?.zh ?? ''}<br><span class="en">${textOf.get(t.targetId)?.en ?? ''}</span>`,
            t.goal === null ? '—' : round2(t.goal),
            t.achieved === null ? '—' : round2(t.achieved),
            `${t.points} / ${t.maxPoints}`,
            t.explanation,
          ]),
          'stack',
        );
    const comments = r.comments.map((c) => html`<div class="card"><b>${c.officeId ?? '全体 all'}</b> · ${c.by} · ${formatLocal(c.at, plan.timeZone)}<p>${c.comment}</p></div>`);
    const body = html`<h1>半年点评 <span class="en">Half-year review</span> · ${plan.unit.name.zh} ${plan.year}</h1><p>${status}</p>
${standingTable}
${r.skipped ? '' : html`<h2>点评 <span class="en">Comments</span></h2>${comments.length ? comments : html`<p class="muted">—</p>`}`}${form}`;
    return send(reply, '半年点评 Half-year review', body, s);
  });

  f.post('/cycles/:unit/:year/review', async (req, reply) => {
    const form = await formActor(web, req, reply);
    if (!form) return reply;
    const { ref, actor } = form;
    const officeId = field(req.body, 'officeId');
    await commentReview(web.app, actor, ref, { comment: field(req.body, 'comment'), ...(officeId ? { officeId } : {}) });
    return reply.redirect(pagePath.review(ref.unitId, ref.year), 303);
  });
}
