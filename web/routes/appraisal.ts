/** The year-end appraisal in the browser, its downloads (md, csv, json, html), and the audit log. */
import type { FastifyInstance } from 'fastify';
import { groupRecord } from '../../app/actions/groupView';
import { appraisalReport, auditLog, type ReportFormat } from '../../app/actions/read';
import { badInput } from '../../app/errors';
import { pagePath } from '../../domain/links';
import { formatLocal } from '../../domain/time';
import { cycleRefOf, requireSession, send, type Web } from '../context';
import { html, table } from '../html';

const TYPES: Record<ReportFormat, string> = { md: 'text/markdown', csv: 'text/csv', json: 'application/json', html: 'text/html' };

export function appraisalRoutes(f: FastifyInstance, web: Web) {
  f.get('/cycles/:unit/:year/appraisal', async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const ref = cycleRefOf(req.params);
    const { actor } = await web.directory.actorFor(s.email, ref);
    const { plan, state } = await groupRecord(web.app, actor, ref);
    const format = (req.query as Record<string, unknown>).format;
    if (format !== undefined) {
      if (typeof format !== 'string' || !(format in TYPES)) throw badInput(`format "${String(format).slice(0, 10)}" is not one of md, csv, json, html`);
      const { text } = await appraisalReport(web.app, ref, format as ReportFormat);
      // A download, never a page of this site: the HTML report runs in a sandbox even if opened.
      return reply
        .header('content-disposition', `attachment; filename="appraisal-${ref.unitId}-${ref.year}.${format}"`)
        .header('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'")
        .type(`${TYPES[format as ReportFormat]}; charset=utf-8`)
        .send(text);
    }
    const { entries: audit } = await auditLog(web.app, ref, actor);
    const auditTable = table(['#', '时间 At', '人 Actor', '操作 Action', '对象 Subject', '结果 Outcome'], audit.map((e) => [e.seq, formatLocal(e.at, plan.timeZone), e.actor, e.action, e.subject, e.outcome]));
    const a = state.appraisal?.result;
    const base = pagePath.appraisal(ref.unitId, ref.year);
    const result = a
      ? html`<div class="card ok"><p>总分 <span class="en">Total</span>: <b>${a.total} / ${a.maxPoints}</b> · 等次 <span class="en">grade</span>: <b>${a.gradeName}</b></p><p>${a.consequence}</p>
<p>下载 <span class="en">Download</span>: ${(Object.keys(TYPES) as ReportFormat[]).map((f) => html`<a class="button secondary" href="${base}?format=${f}">${f}</a>`)}</p></div>
<h2>分类 <span class="en">Categories</span></h2>${table(['类别 Category', '得分 Points', '满分 Max'], a.categories.map((c) => [c.name, c.points, c.maxPoints]))}
<h2>逐项说明 <span class="en">Every point explained</span></h2>${table(['指标 Target', '数值 Value', '目标 Goal', '得分 Points', '说明 Explanation'], a.targets.map((t) => [html`${t.targetId}<br><span class="muted">${t.text}</span>`, t.achieved ?? '—', t.goal, `${t.points} / ${t.maxPoints}`, t.explanation]))}`
      : html`<div class="card"><p>年底考评尚未完成。 <span class="en">The year-end appraisal has not been computed yet.</span> <a href="${pagePath.board(ref.unitId, ref.year)}">督办看板 Board</a></p></div>`;
    const body = html`<h1>年度考评 <span class="en">Appraisal</span> · ${plan.unit.name.zh} ${plan.year}</h1>${result}<h2>操作记录 <span class="en">Audit log</span></h2>${auditTable}`;
    return send(reply, '年度考评 Appraisal', body, s);
  });
}
