/**
 * Reads the template every unit's performance plan follows (一、单位主要职责;
 * 二、单位绩效指标及目标值; 三、单位绩效计划实施安排; 四、其他情况说明) into
 * plain records that keep the document's own words. No choice is made here:
 * turning these records into a plan, with its defaults, is draft.ts's job.
 */
import { normaliseText, splitNumbered } from './normalise';

export type DocMeasure =
  | { kind: 'growthPercent'; atLeast: number; words: string }
  | { kind: 'count' | 'amount'; atLeast: number; unitZh: string; words: string }
  | { kind: 'milestone' }
  | { kind: 'declaration'; words: string };

export interface DocTarget {
  /** The clause the target was read from. */
  text: string;
  measure: DocMeasure;
}

/** (1), (2) … under an indicator; an item with several numbers gives several targets. */
export interface DocItem {
  no?: number;
  words: string;
  targets: DocTarget[];
}

export interface DocIndicator {
  no: number;
  name: string;
  points?: number;
  words: string;
  items: DocItem[];
}

export interface DocCategory {
  name: string;
  points: number;
  words: string;
  indicators: DocIndicator[];
}

export interface DocWindow {
  startMonth?: number;
  endMonth: number;
  words: string;
  /** The text between the previous window and this one: what it applies to. */
  before: string;
}

export interface ParsedDocument {
  title: string;
  /** Everything before section 一: the title and the signature blocks. */
  header: string;
  unitName?: string;
  year?: number;
  categories: DocCategory[];
  /** 三.1 工作计划安排: windows per indicator name. */
  schedule: { name: string; words: string; windows: DocWindow[] }[];
  /** 三.2 明确责任分工: offices per indicator name, in the order named. */
  assignments: { name: string; offices: string[]; words: string }[];
  group?: { leader?: Titled; deputy?: Titled; members: Titled[]; words: string };
  cadenceWords?: string;
  consequenceWords?: string;
  repairs: string[];
  problems: string[];
}

export interface Titled {
  title: string;
  name: string;
}

const SECTIONS = { duties: '单位主要职责', targets: '单位绩效指标及目标值', schedule: '单位绩效计划实施安排', other: '其他情况说明' };
const COUNT_UNITS = '项|个|次|家|名|人|所|篇|件|场|期|批|台|套|座|条|户|处';
const AMOUNT_UNITS = '亿元|万元|千元|元';

export function parseDocument(raw: string): ParsedDocument {
  const { text, repairs } = normaliseText(raw);
  const problems: string[] = [];
  const at = (name: string) => {
    const m = new RegExp(`[一二三四五六]、${name}`).exec(text);
    return m ? { start: m.index, body: m.index + m[0].length } : undefined;
  };
  const pos = { duties: at(SECTIONS.duties), targets: at(SECTIONS.targets), schedule: at(SECTIONS.schedule), other: at(SECTIONS.other) };
  const doc: ParsedDocument = { title: '', header: '', categories: [], schedule: [], assignments: [], repairs, problems };
  if (!pos.targets || !pos.schedule) {
    problems.push(`the text has no "二、${SECTIONS.targets}" or no "三、${SECTIONS.schedule}" section: is this a performance plan (绩效计划书) in the provincial template?`);
    return doc;
  }
  const slice = (from: { body: number }, to?: { start: number }) => text.slice(from.body, to?.start ?? text.length);
  doc.header = doc.title = text.slice(0, (pos.duties ?? pos.targets).start);
  const title = /^(.*?)(\d{4})年(?:度)?绩效计划书/.exec(doc.title);
  if (title) {
    doc.unitName = title[1];
    doc.year = Number(title[2]);
    doc.title = title[0];
  } else problems.push('the title does not read "<unit> <year>年绩效计划书": the unit and year are unknown');

  doc.categories = parseCategories(slice(pos.targets, pos.schedule), repairs, problems);
  parseSchedule(doc, slice(pos.schedule, pos.other));
  if (pos.other) {
    const other = slice(pos.other);
    const m = /[^。]*不合格[^。]*/.exec(other);
    if (m) doc.consequenceWords = m[0];
  }
  return doc;
}

function parseCategories(body: string, repairs: string[], problems: string[]): DocCategory[] {
  const heads = [...body.matchAll(/\(([一二三四五六七八九十])\)([^()]+?)\((\d+(?:\.\d+)?)分\)/g)];
  if (!heads.length) problems.push('section 二 has no category like "(一)工作业绩(480分)": the points cannot be read');
  return heads.map((h, i) => {
    const end = i + 1 < heads.length ? heads[i + 1].index : body.length;
    const { items } = splitNumbered(body.slice((h.index ?? 0) + h[0].length, end), 'dun', repairs);
    if (!items.length) problems.push(`category "${h[2]}" lists no numbered indicators (1、2、…)`);
    return { name: h[2], points: Number(h[3]), words: h[0], indicators: items.map((it) => parseIndicator(it.no, it.body, repairs, problems)) };
  });
}

function parseIndicator(no: number, body: string, repairs: string[], problems: string[]): DocIndicator {
  // "高新技术产业发展(100分)(1)…" or "县(市、区)财政科技支出:预计3800万元"
  const withPoints = /^(.+?)\((\d+(?:\.\d+)?)分\)/.exec(body);
  const withColon = /^([^:]+?)(?:情况)?:/.exec(body);
  const head = withPoints ?? withColon;
  const name = head ? head[1] : body.slice(0, 20);
  if (!head) problems.push(`indicator ${no} "${body.slice(0, 30)}…" has no "(N分)" and no "name:": its name is a guess`);
  const rest = head ? body.slice(head[0].length) : body;
  const { lead, items } = splitNumbered(rest, 'paren', repairs);
  const docItems: DocItem[] = items.length
    ? items.map((it) => ({ no: it.no, words: it.body, targets: readTargets(it.body, problems) }))
    : [{ words: lead, targets: readTargets(lead, problems) }];
  return { no, name, points: withPoints ? Number(withPoints[2]) : undefined, words: head ? head[0] : body.slice(0, 40), items: docItems };
}

/** One target per number; an item without a number is a milestone. */
export function readTargets(words: string, problems: string[]): DocTarget[] {
  const clean = words.replace(/[。;,]+$/, '');
  if (/年[末终底]申报/.test(clean)) return [{ text: clean, measure: { kind: 'declaration', words: clean } }];
  const percent = /(\d+(?:\.\d+)?)%/.exec(clean);
  if (percent) return [{ text: clean.replace(/^预计/, ''), measure: { kind: 'growthPercent', atLeast: Number(percent[1]), words: percent[0] } }];
  const numbers = [...clean.matchAll(new RegExp(`(\\d+(?:\\.\\d+)?)(${AMOUNT_UNITS}|${COUNT_UNITS})`, 'g'))];
  if (!numbers.length) {
    if (/\d/.test(clean)) problems.push(`"${clean}" has a number without a unit this importer knows (${COUNT_UNITS}|${AMOUNT_UNITS}): write the target by hand`);
    return [{ text: clean, measure: { kind: 'milestone' } }];
  }
  const clauses = numbers.length > 1 ? clean.split(/[,;]/) : [clean];
  return numbers.map((n) => {
    const unitZh = n[2];
    const atLeast = Number(n[1]);
    const amount = new RegExp(`^(${AMOUNT_UNITS})$`).test(unitZh);
    if (!amount && !Number.isInteger(atLeast)) problems.push(`"${n[0]}" counts things but is not a whole number`);
    const clause = clauses.find((c) => c.includes(n[0])) ?? clean;
    return { text: clause.replace(/^预计/, ''), measure: { kind: amount ? 'amount' : 'count', atLeast, unitZh, words: n[0] } };
  });
}

const WINDOW = /\(?(?:(\d{1,2})月?份?[-~至到](\d{1,2})月份?(?:底|末)?|(\d{1,2})月份?(底|末)?前|(全年|年底前?|年内))完成\)?/g;

function parseSchedule(doc: ParsedDocument, body: string): void {
  const planPart = /工作计划安排(.*?)(?=\d*、明确责任分工|$)/.exec(body)?.[1] ?? '';
  for (const it of splitNumbered(planPart, 'paren').items) {
    const name = /^([^:]+):/.exec(it.body)?.[1] ?? '';
    const windows: DocWindow[] = [];
    let last = 0;
    for (const m of it.body.matchAll(WINDOW)) {
      const before = it.body.slice(last, m.index);
      last = (m.index ?? 0) + m[0].length;
      if (m[1]) windows.push({ startMonth: Number(m[1]), endMonth: Number(m[2]), words: m[0], before });
      // "11月前完成": done before November, so the window closes in October; "11月底前完成" closes in November.
      else if (m[3]) windows.push({ endMonth: m[4] ? Number(m[3]) : Number(m[3]) - 1, words: m[0], before });
      else windows.push({ endMonth: 12, words: m[0], before });
    }
    doc.schedule.push({ name, words: it.body, windows });
  }
  const duty = /明确责任分工(.*?)(?=\d*、加强考核督查|$)/.exec(body)?.[1] ?? '';
  for (const m of duty.matchAll(/([^;。()]+(?:\([^()]*\)[^;。()]+)*)\(([^()]+?)负责\)/g)) {
    doc.assignments.push({ name: m[1].replace(/^[,;、]+/, ''), offices: m[2].split(/和|及|与|、|,/).filter(Boolean), words: m[0].replace(/^[,;、]+/, '') });
  }
  const check = /加强考核督查(.*)$/.exec(body)?.[1] ?? '';
  const group = /以(.+?)为组长(?:、(.+?)为副组长)?(?:、(.+?)等?为成员)?的/.exec(check);
  if (group) {
    doc.group = {
      leader: titled(group[1]),
      deputy: group[2] ? titled(group[2]) : undefined,
      members: group[3] ? group[3].replace(/等$/, '').split('、').map(titled) : [],
      words: group[0],
    };
  }
  const cadence = /每月底[^。]*/.exec(check);
  if (cadence) doc.cadenceWords = cadence[0];
}

/** "纪检组长唐志斌" → title 纪检组长, name 唐志斌 (a Chinese name is two to four characters after the title). */
function titled(words: string): Titled {
  const m = /^(.*(?:长|主任|书记|主席|委员|员))([\u4e00-\u9fff]{2,4})$/.exec(words);
  return m ? { title: m[1], name: m[2] } : { title: '', name: words };
}
