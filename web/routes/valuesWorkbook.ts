/**
 * Excel both ways on the office's report form: download the values template
 * (one row per target the office was asked about, with unit and window) and
 * upload it filled in; the same checks as `cycle submit --values FILE.xlsx`.
 */
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { officeRecord } from '../../app/actions/read';
import { AppError, badInput } from '../../app/errors';
import { allTargets, type Plan } from '../../domain/plan';
import { readValuesWorkbook, valuesTemplate, ValuesWorkbookError, VALUES_WORKBOOK_LIMIT_BYTES } from '../../client/excel/valuesWorkbook';
import type { WebSession } from '../auth';
import { cycleRefOf, requireSession, type Web } from '../context';

type Params = { unit: string; year: string; office: string; period: string };

/** The signed-in person's view of one office's request for a period (the report form and its template); refused when none was made. */
export async function requestedReport(web: Web, s: WebSession, params: unknown) {
  const ref = cycleRefOf(params);
  const { office: officeId, period } = params as Params;
  const { actor } = await web.directory.actorFor(s.email, ref);
  const { plan, state } = await officeRecord(web.app, actor, ref, officeId);
  const p = state.periods[period];
  const op = p?.offices[officeId];
  if (!p || !op) throw new AppError('refused', 'PERIOD_NOT_OPEN', `${officeId} owes no report for ${period}: open your office page for what is due now`);
  return { ref, officeId, period, actor, plan, p, op };
}

export function valuesWorkbookRoutes(f: FastifyInstance, web: Web) {
  f.get('/cycles/:unit/:year/offices/:office/reports/:period/template.xlsx', async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const { ref, officeId, period, plan, op } = await requestedReport(web, s, req.params);
    const targets = allTargets(plan).map((r) => r.target).filter((t) => op.targets.includes(t.id));
    const name = `values-${ref.unitId}-${officeId}-${period}.xlsx`;
    return reply
      .header('content-disposition', `attachment; filename="${name}"`)
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(await valuesTemplate(plan, officeId, period, targets));
  });
}

/** Read an uploaded workbook part under its size cap, then check it as the command line does; nothing is filed on a problem. */
export async function valuesFromWorkbook(stream: Readable, ctx: { plan: Plan; officeId: string; period: string; filename: string }) {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    if (bytes > VALUES_WORKBOOK_LIMIT_BYTES) {
      stream.resume();
      throw badInput(`the values workbook "${ctx.filename}" is larger than ${VALUES_WORKBOOK_LIMIT_BYTES / 1048576} MiB: use the template from this page`);
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return await readValuesWorkbook(Buffer.concat(chunks), ctx, ctx.filename);
  } catch (e) {
    if (e instanceof ValuesWorkbookError) throw badInput(`the values workbook has problems; nothing was filed: ${e.problems.join('; ')}`);
    throw e;
  }
}
