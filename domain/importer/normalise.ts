/**
 * Cleans the text of a performance plan (绩效计划书) as it comes out of a PDF,
 * a .docx or a paste: full-width punctuation, the space between characters,
 * the extraction's line markers and page numbers glued to item numbers.
 * Pure: the importer's parsing starts from this text.
 */

export interface NormalisedText {
  text: string;
  /** Each repair made, in words, so the draft can say what was changed. */
  repairs: string[];
}

const FULL_WIDTH: Record<string, string> = { '（': '(', '）': ')', '：': ':', '；': ';', '，': ',', '％': '%', '～': '~', '－': '-', '—': '-', '–': '-', '．': '.', '　': ' ' };

/** A character that PDF extraction spaces out: CJK, CJK punctuation, brackets. */
const TIGHT = /[\u3000-\u303F\u3400-\u9FFF\uFF00-\uFFEF“”‘’()（）:;,.%、]/;

export function normaliseText(raw: string): NormalisedText {
  const repairs: string[] = [];
  let text = raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[（）：；，％～－—–．　]/g, (c) => FULL_WIDTH[c]);

  const lines = text.split('\n').filter((l) => l.trim() !== '');
  // PDF extraction numbers every line "1、", "2、" …; a page break may fall mid-word, so lines join without a space.
  const marked = lines.length > 1 && lines.every((l, i) => l.trimStart().startsWith(`${i + 1}、`));
  if (marked) {
    text = lines.map((l, i) => l.trimStart().slice(String(i + 1).length + 1)).join('');
    repairs.push(`removed the extraction's line numbers 1、…${lines.length}、`);
  } else text = lines.join(' ');

  // Keep a space only between two Latin letters or digits ("R&D investment", "3 10").
  text = text.replace(/\s+/g, (ws, at: number, all: string) => {
    const before = all[at - 1] ?? '';
    const after = all[at + ws.length] ?? '';
    return before && after && !TIGHT.test(before) && !TIGHT.test(after) ? ' ' : '';
  });

  // A page number glued before an item "(3)" reads "4(3)"; an amount is never followed by "(n)".
  text = text.replace(/([^\d.])(\d{1,3})(?=\((\d{1,2})\)[^\d-])/g, (all, before: string, page: string, _i, _o, _s) => {
    repairs.push(`removed page number ${page} glued to an item number ("${page}(")`);
    return before;
  });
  return { text, repairs };
}

export interface NumberedItem {
  /** The item's number as written in the template (1、 or (1)). */
  no: number;
  /** The item's text, without its marker. */
  body: string;
}

/**
 * Splits "1、… 2、… 3、…" (or "(1)… (2)…") into items, expecting 1, 2, 3 in
 * order: a marker out of sequence is part of the text, and a marker whose
 * digits end in the expected number ("24、" for item 4) has a page number
 * glued to it, which is dropped and recorded.
 */
export function splitNumbered(text: string, style: 'dun' | 'paren', repairs: string[] = []): { lead: string; items: NumberedItem[] } {
  const re = style === 'dun' ? /(\d+)、/g : /\((\d+)\)/g;
  // cut: where the previous item ends (before any glued page number); end: where this item's text starts.
  const starts: { no: number; cut: number; end: number }[] = [];
  let expected = 1;
  for (const m of text.matchAll(re)) {
    const digits = m[1];
    const want = String(expected);
    if (digits !== want && !(digits.length > want.length && digits.endsWith(want))) continue;
    if (digits !== want) repairs.push(`read "${digits}${style === 'dun' ? '、' : ')'}" as item ${want} (page number ${digits.slice(0, -want.length)} glued to it)`);
    starts.push({ no: expected, cut: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
    expected += 1;
  }
  const items = starts.map((s, i) => ({ no: s.no, body: text.slice(s.end, i + 1 < starts.length ? starts[i + 1].cut : text.length).trim() }));
  return { lead: text.slice(0, starts[0]?.cut ?? text.length).trim(), items };
}
