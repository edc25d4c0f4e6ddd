/**
 * The report form (报送): a field per target with its unit, a narrative and
 * evidence files. The form's one-time token becomes the Temporal update id,
 * so a double click or a re-sent POST records one revision, not two.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { uploadEvidence } from '../../app/actions/evidence';
import { submitReport } from '../../app/actions/officeReports';
import { officeRecord } from '../../app/actions/read';
import { badInput } from '../../app/errors';
import { LIMITS, type EvidenceRef } from '../../domain/actions';
import { targetById } from '../../domain/cycle';
import { pagePath } from '../../domain/links';
import type { Actor } from '../../app/context';
import { randomToken, sha256 } from '../auth';
import { csrfError, cycleRefOf, requireSession, send, type Web } from '../context';
import { csrfField, html } from '../html';
import { goalOf, kindLabel, statusLabel, unitOf } from '../labels';
import type { WebSession } from '../auth';
import type { Plan } from '../../domain/plan';
import { requestedReport, valuesFromWorkbook } from './valuesWorkbook';

type Params = { unit: string; year: string; office: string; period: string };

/** Read the multipart body in order: the CSRF field comes first in the form, so no file is stored for a forged request. */
async function readForm(web: Web, req: FastifyRequest, s: WebSession, actor: Actor, workbook: { plan: Plan; officeId: string; period: string }) {
  const fields: Record<string, string> = {};
  const evidence: EvidenceRef[] = [];
  let fromWorkbook: { targetId: string; value: number }[] = [];
  for await (const part of req.parts()) {
    if (part.type === 'field') {
      if (typeof part.value !== 'string') continue;
      fields[part.fieldname] = part.value;
      continue;
    }
    const file = part as MultipartFile;
    if (fields._csrf !== s.csrf) {
      file.file.resume();
      throw csrfError();
    }
    if (!file.filename) {
      file.file.resume(); // an empty file input: nothing chosen
      continue;
    }
    if (file.fieldname === 'valuesWorkbook') {
      fromWorkbook = (await valuesFromWorkbook(file.file, { ...workbook, filename: file.filename })).values;
      continue;
    }
    evidence.push(await uploadEvidence(web.app, actor, file.file, { name: file.filename, contentType: file.mimetype }));
    if (file.file.truncated) throw badInput(`evidence file "${file.filename}" is larger than ${LIMITS.evidenceBytes / 1024 / 1024} MiB: compress or split it`);
  }
  if (fields._csrf !== s.csrf) throw csrfError();
  return { fields, evidence, fromWorkbook };
}

export function reportFormRoutes(f: FastifyInstance, web: Web) {
  const path = '/cycles/:unit/:year/offices/:office/reports/:period';

  f.get(path, async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const { ref, officeId, period, plan, p, op } = await requestedReport(web, s, req.params);
    const last = op.report;
    const inputs = op.targets.map((id) => {
      const t = targetById(plan, id)!;
      const name = `v:${id}`;
      return html`<label for="${name}">${id} ${t.text.zh} <span class="en">${t.text.en} · ${goalOf(t)}</span></label>
<input type="number" step="any" inputmode="decimal" id="${name}" name="${name}" value="${last?.values[id] ?? ''}"> <span class="muted">${unitOf(t)}</span>`;
    });
    const review = op.review?.decision === 'return' ? html`<div class="card error"><b>退回意见 Returned</b> · ${op.review.by}<p>${op.review.comment}</p></div>` : '';
    const body = html`<h1>${period} ${kindLabel(p.kind)} 报送 <span class="en">report</span> · ${plan.offices.find((o) => o.id === officeId)?.name.zh}</h1>
<p>${statusLabel(op.status)}${last ? html` · 已报第 ${last.revision} 版 <span class="en">revision ${last.revision} on file; blank fields keep it</span>` : ''}</p>${review}
<form method="post" enctype="multipart/form-data" action="${pagePath.reportForm(ref.unitId, ref.year, officeId, period)}" class="card">
${csrfField(s.csrf)}<input type="hidden" name="formToken" value="${randomToken()}">
${inputs}
<label for="narrative">工作说明 <span class="en">Narrative</span></label><textarea id="narrative" name="narrative" maxlength="${LIMITS.narrativeChars}"></textarea>
<label for="valuesWorkbook">或上传 Excel 报送表 <span class="en">Or upload the Excel values sheet</span> (<a href="${pagePath.reportForm(ref.unitId, ref.year, officeId, period)}/template.xlsx">下载模板 download the template</a>)</label><input type="file" id="valuesWorkbook" name="valuesWorkbook" accept=".xlsx">
<label for="evidence">佐证材料 <span class="en">Evidence files (up to ${LIMITS.evidencePerReport}, ${LIMITS.evidenceBytes / 1024 / 1024} MiB each)</span></label><input type="file" id="evidence" name="evidence" multiple>
<div><button type="submit">提交 Submit</button></div></form>`;
    return send(reply, `${period} 报送 Report`, body, s);
  });

  f.post(path, async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    if (!req.isMultipart()) throw badInput('the report form must be sent as multipart/form-data: send it from the report page');
    const ref = cycleRefOf(req.params);
    const { office: officeId, period } = req.params as Params;
    const { actor } = await web.directory.actorFor(s.email, ref);
    const { plan } = await officeRecord(web.app, actor, ref, officeId);
    const { fields, evidence, fromWorkbook } = await readForm(web, req, s, actor, { plan, officeId, period });
    const typed = Object.entries(fields)
      .filter(([k, v]) => k.startsWith('v:') && v.trim() !== '')
      .map(([k, v]) => {
        const value = Number(v);
        if (!Number.isFinite(value)) throw badInput(`the value for ${k.slice(2)} ("${v.slice(0, 40)}") is not a number: enter digits, e.g. 12.5`);
        return { targetId: k.slice(2), value };
      });
    // A value typed on the page wins over the same target's value in an uploaded workbook.
    const values = [...fromWorkbook.filter((w) => !typed.some((t) => t.targetId === w.targetId)), ...typed];
    if (!fields.formToken || fields.formToken.length > 100) throw badInput('the form has no one-time token: reload the report page and send it again');
    // Bound to the session, so nobody else's form can claim this update id.
    const requestId = `web-${sha256(`${s.idHash}:${fields.formToken}`)}`;
    const r = await submitReport(web.app, actor, ref, { officeId, period, values, narrative: fields.narrative ?? '', evidence, mode: 'merge' }, requestId);
    const body = html`<h1>已报送 <span class="en">Report filed</span></h1><div class="card ok"><p>${period} · 第 ${r.revision} 版 <span class="en">revision ${r.revision}</span>${r.late ? html` · <b>逾期 late</b>` : ''} · ${r.outcome}</p>
<p>${evidence.length} 个佐证文件 <span class="en">evidence file(s)</span></p></div><p><a href="${pagePath.office(ref.unitId, ref.year, officeId)}">返回科室页面 Back to the office page</a></p>`;
    return send(reply, '已报送 Report filed', body, s);
  });
}
