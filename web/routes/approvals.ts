/**
 * The group leader's approvals: pending quarterly reports across offices with
 * values against targets and evidence, approved or returned several at once;
 * close a check; verify final values and the municipal grade; instruct (批示).
 * Every decision is checked again by the workflow: a non-approver is refused there.
 */
import type { FastifyInstance } from 'fastify';
import { closeCheck, instruct, reviewMany, verifyValues, type Decision } from '../../app/actions/groupDecisions';
import { groupRecord } from '../../app/actions/groupView';
import { badInput } from '../../app/errors';
import { targetById } from '../../domain/cycle';
import { pagePath } from '../../domain/links';
import { allTargets } from '../../domain/plan';
import { formatLocal } from '../../domain/time';
import { randomToken, sha256 } from '../auth';
import { cycleRefOf, field, requireSession, send, type Web, formActor } from '../context';
import { csrfField, html, table } from '../html';
import { evidenceLinks, goalOf } from '../labels';

const GRADES = ['excellent', 'good', 'pass', 'unqualified'] as const;

export function approvalsRoutes(f: FastifyInstance, web: Web) {
  const path = '/cycles/:unit/:year/approvals';

  f.get(path, async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const ref = cycleRefOf(req.params);
    const { actor } = await web.directory.actorFor(s.email, ref);
    const { plan, state } = await groupRecord(web.app, actor, ref);
    const z = plan.timeZone;
    const action = (what: string) => `${pagePath.approvals(ref.unitId, ref.year)}/${what}`;
    const pending = Object.values(state.periods)
      .filter((p) => p.kind === 'quarterly' && p.check?.closedAt === undefined)
      .flatMap((p) => Object.values(p.offices).filter((op) => op.status === 'submitted' && op.report).map((op) => ({ p, op, r: op.report! })));
    const cards = pending.map(({ p, op, r }) => {
      const key = `${op.officeId}|${p.period}`;
      const values = table(
        ['指标 Target', '报送值 Reported', '目标 Goal'],
        Object.entries(r.values).map(([id, v]) => { const t = targetById(plan, id); return [id, v, t ? goalOf(t) : '—']; }),
      );
      return html`<div class="card"><h2>${plan.offices.find((o) => o.id === op.officeId)?.name.zh ?? op.officeId} · ${p.period} · 第 ${r.revision} 版 <span class="en">rev. ${r.revision}, ${formatLocal(r.submittedAt, z)}${op.lateByMs ? ', late' : ''}</span></h2>
${values}<p>${r.narrative}</p><p>${evidenceLinks(r.evidence, ref.unitId, ref.year)}</p>
<label for="d-${key}">决定 <span class="en">Decision</span></label><select id="d-${key}" name="d:${key}"><option value="">— 暂不处理 later</option><option value="approve">通过 Approve</option><option value="return">退回 Return</option></select>
<label for="c-${key}">意见 <span class="en">Comment (needed to return)</span></label><textarea id="c-${key}" name="c:${key}"></textarea></div>`;
    });
    const openChecks = Object.values(state.periods).filter((p) => p.kind === 'quarterly' && p.check && p.check.closedAt === undefined);
    const verify =
      state.phase === 'appraisal'
        ? html`<h2>核实 <span class="en">Verify final values</span></h2><form method="post" action="${action('verify')}" class="card">${csrfField(s.csrf)}
${allTargets(plan).map(({ target: t }) => html`<label for="x-${t.id}">${t.id} ${t.text.zh} <span class="en">${goalOf(t)} · reported ${state.progress[t.id]?.value ?? '—'}</span></label><input type="number" step="any" id="x-${t.id}" name="x:${t.id}" value="${state.verified[t.id]?.value ?? ''}">`)}
<label for="grade">市州考核结果 <span class="en">Municipal grade</span></label><select id="grade" name="municipalGrade"><option value="">—</option>${GRADES.map((g) => html`<option value="${g}" ${state.municipalGrade === g ? 'selected' : ''}>${g}</option>`)}</select>
<div><button>保存核实 Save verification</button></div></form>`
        : '';
    const body = html`<h1>审批 <span class="en">Approvals</span> · ${plan.unit.name.zh} ${plan.year}</h1>
<h2>待审报告 <span class="en">Reports awaiting your decision</span> (${pending.length})</h2>
${pending.length ? html`<form method="post" action="${action('decide')}">${csrfField(s.csrf)}<input type="hidden" name="formToken" value="${randomToken()}">${cards}<button>提交决定 Send decisions</button></form>` : html`<p class="muted">没有待审报告。 Nothing awaits a decision.</p>`}
<h2>季度督查 <span class="en">Open checks</span></h2>${openChecks.length ? openChecks.map((p) => html`<form method="post" action="${action('close')}" class="card">${csrfField(s.csrf)}<input type="hidden" name="period" value="${p.period}"><b>${p.period}</b> <span class="muted">自动关闭 auto-closes ${formatLocal(p.check!.autoCloseAt, z)}</span><label for="cc-${p.period}">意见 <span class="en">Comment</span></label><input type="text" id="cc-${p.period}" name="comment"><button class="secondary">关闭督查 Close the check</button></form>`) : html`<p class="muted">—</p>`}
${verify}
<h2>批示 <span class="en">Instruct an office</span></h2><form method="post" action="${action('instruct')}" class="card">${csrfField(s.csrf)}
<label for="io">科室 <span class="en">Office</span></label><select id="io" name="officeId">${plan.offices.map((o) => html`<option value="${o.id}">${o.name.zh} ${o.name.en}</option>`)}</select>
<label for="it">指标（可选） <span class="en">Target (optional)</span></label><input type="text" id="it" name="targetId">
<label for="ix">批示内容 <span class="en">Instruction</span></label><textarea id="ix" name="text"></textarea><div><button>发送批示 Send</button></div></form>`;
    return send(reply, '审批 Approvals', body, s);
  });

  f.post(`${path}/decide`, async (req, reply) => {
    const form = await formActor(web, req, reply);
    if (!form) return reply;
    const { s, ref, actor } = form;
    const body = req.body as Record<string, unknown>;
    const decisions: Decision[] = Object.keys(body)
      .filter((k) => k.startsWith('d:') && field(body, k))
      .map((k) => {
        const [officeId, period] = k.slice(2).split('|');
        const decision = field(body, k);
        if (decision !== 'approve' && decision !== 'return') throw badInput(`decision "${decision.slice(0, 20)}" for ${officeId} ${period} is neither approve nor return: choose one on the approvals page`);
        return { officeId, period, decision, comment: field(body, `c:${k.slice(2)}`) };
      });
    if (!decisions.length) throw badInput('no decision was chosen: pick approve or return for at least one report');
    const token = field(body, 'formToken');
    const out = await reviewMany(web.app, actor, ref, decisions, token ? `web-${sha256(`${s.idHash}:${token}`)}` : undefined);
    const rows = out.map((o) => [o.officeId, o.period, o.ok ? html`<span class="ok">✓ ${o.status}</span>` : html`<b>${o.error?.code}</b>: ${o.error?.message}`]);
    const allOk = out.every((o) => o.ok);
    return send(reply, '审批结果 Decisions', html`<h1>审批结果 <span class="en">Decisions</span></h1>${table(['科室 Office', '期次 Period', '结果 Result'], rows)}<p><a href="${pagePath.approvals(ref.unitId, ref.year)}">返回审批 Back to approvals</a></p>`, s, allOk ? 200 : out.some((o) => o.ok) ? 207 : 403);
  });

  f.post(`${path}/close`, async (req, reply) => {
    const form = await formActor(web, req, reply);
    if (!form) return reply;
    const { ref, actor } = form;
    await closeCheck(web.app, actor, ref, { period: field(req.body, 'period'), comment: field(req.body, 'comment') });
    return reply.redirect(pagePath.approvals(ref.unitId, ref.year), 303);
  });

  f.post(`${path}/verify`, async (req, reply) => {
    const form = await formActor(web, req, reply);
    if (!form) return reply;
    const { ref, actor } = form;
    const body = req.body as Record<string, unknown>;
    const values = Object.keys(body)
      .filter((k) => k.startsWith('x:') && field(body, k).trim())
      .map((k) => {
        const value = Number(field(body, k));
        if (!Number.isFinite(value)) throw badInput(`the verified value for ${k.slice(2)} is not a number: enter digits, e.g. 12.5`);
        return { targetId: k.slice(2), value };
      });
    const g = field(body, 'municipalGrade');
    if (g && !(GRADES as readonly string[]).includes(g)) throw badInput(`municipal grade "${g.slice(0, 20)}" is not one of ${GRADES.join(', ')}`);
    await verifyValues(web.app, actor, ref, { values, ...(g ? { municipalGrade: g as (typeof GRADES)[number] } : {}) });
    return reply.redirect(pagePath.approvals(ref.unitId, ref.year), 303);
  });

  f.post(`${path}/instruct`, async (req, reply) => {
    const form = await formActor(web, req, reply);
    if (!form) return reply;
    const { ref, actor } = form;
    const targetId = field(req.body, 'targetId').trim();
    await instruct(web.app, actor, ref, { officeId: field(req.body, 'officeId'), text: field(req.body, 'text'), ...(targetId ? { targetId } : {}) });
    return reply.redirect(pagePath.approvals(ref.unitId, ref.year), 303);
  });
}
