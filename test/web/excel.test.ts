/**
 * Excel both ways on the office page: the values template downloads with one
 * row per target the office was asked about; filled in and uploaded, it files
 * the report; a text in a number cell is refused naming the cell, nothing filed.
 */
import ExcelJS from 'exceljs';
import { Agent, hidden, REF, signIn, startWebHarness, type WebHarness } from './harness';

const HTO = 'gaoxinban@kjj.yiyang.example';
const Q1 = `${REF.year}-Q1`;
const form = `/cycles/${REF.unitId}/${REF.year}/offices/hi-tech-office/reports/${Q1}`;

let h: WebHarness;
let hto: Agent;

beforeAll(async () => {
  h = await startWebHarness('web-excel');
  hto = new Agent(h.web.url);
  await signIn(h, hto, HTO);
});
afterAll(() => h?.stop());

async function template(): Promise<ExcelJS.Workbook> {
  const r = await hto.request('GET', `${form}/template.xlsx`);
  expect(r.status).toBe(200);
  expect(r.res.headers.get('content-disposition')).toContain('.xlsx');
  const res = await fetch(`${h.web.url}${form}/template.xlsx`, { headers: { cookie: [...hto.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
  return wb;
}

async function upload(wb: ExcelJS.Workbook) {
  const page = await hto.get(form);
  const fd = new FormData();
  fd.append('_csrf', hidden(page.text, '_csrf'));
  fd.append('formToken', hidden(page.text, 'formToken'));
  fd.append('valuesWorkbook', new Blob([Buffer.from(await wb.xlsx.writeBuffer())]), 'q1.xlsx');
  return hto.post(form, fd);
}

test('the template lists the targets asked for; uploaded filled in, it files the report', async () => {
  const wb = await template();
  const sheet = wb.getWorksheet('报送')!;
  const ids: string[] = [];
  sheet.eachRow((row, n) => {
    if (n >= 7 && row.getCell(1).value) ids.push(String(row.getCell(1).value));
  });
  const asked = (await h.state()).periods[Q1].offices['hi-tech-office'].targets;
  expect(ids.sort()).toEqual([...asked].sort());
  const row = ids.indexOf('t1-1') + 7;
  sheet.getCell(`E${row}`).value = 4.5;
  const r = await upload(wb);
  expect(r.status).toBe(200);
  expect((await h.state()).periods[Q1].offices['hi-tech-office'].report?.values['t1-1']).toBe(4.5);
});

test('a text in a number cell is refused naming the cell, and nothing is filed', async () => {
  const before = await h.state();
  const wb = await template();
  const sheet = wb.getWorksheet('报送')!;
  sheet.getCell('E7').value = '十二';
  const r = await upload(wb);
  expect(r.status).toBe(400);
  expect(r.text).toContain('cell E7');
  expect(await h.state()).toEqual(before);
});

test('the office page shows each target\'s year-end projection and its light, in words', async () => {
  const page = await hto.get(`/cycles/${REF.unitId}/${REF.year}/offices/hi-tech-office`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('灯 Light');
  // t1-1 was reported (4.5 by the end of March): it has a light; a target nobody reported has none.
  expect(page.text).toMatch(/t1-1[\s\S]*?(绿灯 green|黄灯 amber|红灯 red)/);
  expect(page.text).toContain('— no data');
});
