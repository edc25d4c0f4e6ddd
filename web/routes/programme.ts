/** `/programme/:year`: the performance office's board across the units it oversees (绩效办排名看板), the page of `cycle board`. */
import type { FastifyInstance } from 'fastify';
import { board } from '../../app/actions/board';
import { AppError, badInput } from '../../app/errors';
import { BOARD_HEAD, boardCells } from '../../domain/board';
import { requireSession, send, type Web } from '../context';
import { html, table } from '../html';

export function programmeRoutes(f: FastifyInstance, web: Web) {
  f.get('/programme/:year', async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const year = Number((req.params as { year: string }).year);
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw badInput('the address names no year: open the board from your home page');
    const programme = web.directory.programme;
    if (!programme || !web.directory.programmePerson(s.email)) {
      throw new AppError('refused', 'NOT_AUTHORISED', `${s.email} is not a person of the performance office's programme: the board across units is theirs`);
    }
    const b = await board(web.app, programme, year);
    const gaps = b.gaps.length ? html`<p class="muted">未读取 <span class="en">Not read</span>: ${b.gaps.map((g) => `${g.unitId} (${g.problem})`).join('; ')}</p>` : '';
    const body = html`<h1>${programme.office.name.zh} ${year} 各单位排名 <span class="en">${programme.office.name.en}: units ranked by projected score</span></h1>
<div class="card">${table(BOARD_HEAD, b.rows.map(boardCells))}${gaps}</div>`;
    return send(reply, `${year} 排名 Board`, body, s);
  });
}
