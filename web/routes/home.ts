/** `/`: the signed-in person's running cycles and what their roles let them open. */
import type { FastifyInstance } from 'fastify';
import { pagePath } from '../../domain/links';
import { requireSession, send, type Web } from '../context';
import { html } from '../html';

export function homeRoutes(f: FastifyInstance, web: Web) {
  f.get('/', async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const mine = await web.directory.cyclesOf(s.email);
    const cards = mine.map(({ ref, plan, roles }) => {
      const { unitId: u, year: y } = ref;
      const links = [
        ...roles.offices.map((o) => html`<li><a href="${pagePath.office(u, y, o)}">${plan.offices.find((x) => x.id === o)?.name.zh ?? o} 科室页面 <span class="en">office page</span></a></li>`),
        roles.approver ? html`<li><a href="${pagePath.approvals(u, y)}">审批 <span class="en">Approvals</span></a></li>` : '',
        roles.reviewCommenter ? html`<li><a href="${pagePath.review(u, y)}">半年点评 <span class="en">Half-year review</span></a></li>` : '',
        roles.groupMember || roles.appraisalTriggerer ? html`<li><a href="${pagePath.board(u, y)}">督办看板 <span class="en">Board</span></a></li>` : '',
        roles.groupMember || roles.appraisalTriggerer ? html`<li><a href="${pagePath.appraisal(u, y)}">考评报告 <span class="en">Appraisal</span></a></li>` : '',
      ];
      return html`<div class="card"><h2>${plan.unit.name.zh} ${y} <span class="en">${plan.unit.name.en}</span></h2><p>${roles.name}</p><ul>${links}</ul></div>`;
    });
    const perf = web.directory.programmePerson(s.email);
    if (perf) {
      const year = new Date(web.now()).getFullYear();
      cards.unshift(html`<div class="card"><h2>${web.directory.programme!.office.name.zh} <span class="en">${web.directory.programme!.office.name.en}</span></h2><p>${perf.name}</p><ul><li><a href="${pagePath.programme(year)}">各单位排名看板 <span class="en">Board across units</span> ${year}</a></li></ul></div>`);
    }
    const body = cards.length
      ? html`<h1>我的考核 <span class="en">My cycles</span></h1>${cards}`
      : html`<h1>我的考核 <span class="en">My cycles</span></h1><div class="card"><p>当前没有运行中的考核包含您的邮箱。<span class="en">No running cycle names ${s.email}.</span></p></div>`;
    return send(reply, '我的考核 My cycles', body, s);
  });
}
