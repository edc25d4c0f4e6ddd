/**
 * From the document's records to a draft plan: every value read carries its
 * source words, every default the document leaves open is marked CHOICE,
 * everything unknown is a placeholder listed as a TODO. Points that do not
 * add up are reported as problems, never repaired.
 */
import { CATEGORIES, INDICATORS, OFFICES, UNITS, unitGloss, type Gloss } from './glossary';
import type { DocIndicator, DocItem, DocWindow, ParsedDocument } from './parse';
import { defaultsFor, PLACEHOLDER_DOMAIN } from './defaults';

export type Path = (string | number)[];

export interface Draft {
  plan: Record<string, unknown>;
  /** Comment lines per path (joined with "/"), printed above the field. */
  comments: Map<string, string[]>;
  todos: string[];
  problems: string[];
}

export interface DraftOptions {
  /** The office (its Chinese name as written, e.g. 计划科) for targets the document gives to nobody. */
  defaultOffice?: string;
}

const EPS = 1e-6;

export function draftPlan(doc: ParsedDocument, options: DraftOptions = {}): Draft {
  const comments = new Map<string, string[]>();
  const todos: string[] = [];
  const problems = [...doc.problems];
  const note = (path: Path, line: string) => {
    const key = path.join('/');
    comments.set(key, [...(comments.get(key) ?? []), line.replace(/[\r\n]+/g, ' ')]);
  };
  const src = (path: Path, words: string) => note(path, `原文 source: "${words}"`);
  const choice = (path: Path, why: string) => note(path, `CHOICE: ${why}`);
  const todo = (path: Path, what: string) => {
    todos.push(what);
    note(path, `TODO ${todos.length}: ${what}`);
  };

  const year = doc.year ?? 2000;
  const unit = unitGloss(doc.unitName ?? '');
  const plan: Record<string, unknown> = { schemaVersion: 1, planVersion: `${year}.1` };
  choice(['planVersion'], 'the first version of the year\'s plan; a change is a new version');
  plan.unit = { id: unit.id ?? 'todo-unit', name: { zh: unit.zh || '待定单位', en: unit.en ?? `TODO: English name of ${unit.zh}` } };
  src(['unit'], doc.title);
  if (!unit.id) todo(['unit'], `the unit's id and English name: "${unit.zh}" is not in the importer's glossary`);
  plan.year = year;
  if (!doc.year) todo(['year'], 'the plan year: the title gives none');

  // Indicators are numbered across categories (t6-1 is the first target of the sixth), as in the hand-written plan.
  let globalNo = 0;
  // 科室: in the order the document names them.
  const officeOf = new Map<string, Gloss>();
  const offices: Record<string, unknown>[] = [];
  const addOffice = (zh: string): string => {
    const known = officeOf.get(zh);
    if (known) return known.id;
    const gloss = OFFICES[zh] ?? { id: `office-${offices.length + 1}`, en: `TODO: English name of ${zh}` };
    officeOf.set(zh, gloss);
    const i = offices.length;
    const mail = (role: string) => `todo-${gloss.id}${role}@${PLACEHOLDER_DOMAIN}`;
    offices.push({
      id: gloss.id,
      name: { zh, en: gloss.en },
      contact: { personId: `${gloss.id}-contact`.slice(0, 64), name: `TODO ${zh}联络员 (contact)`, email: mail('') },
      head: { personId: `${gloss.id}-head`.slice(0, 64), name: `TODO ${zh}负责人 (head)`, email: mail('-head') },
    });
    todo(['offices', i], `office ${gloss.id} (${zh}): the contact's and the head's names and e-mail addresses${OFFICES[zh] ? '' : ', and its id and English name'}`);
    return gloss.id;
  };
  for (const a of doc.assignments) a.offices.forEach(addOffice);

  const categories = doc.categories.map((c, ci) => {
    const cpath: Path = ['categories', ci];
    const cg = CATEGORIES[c.name] ?? { id: `category-${ci + 1}`, en: `TODO: English name of ${c.name}` };
    src(cpath, c.words);
    if (!CATEGORIES[c.name]) todo(cpath, `category "${c.name}": its id and English name`);
    const given = c.indicators.map((ind) => ind.points);
    let indicatorPoints: number[];
    if (given.every((p) => p !== undefined)) indicatorPoints = given as number[];
    else if (given.every((p) => p === undefined)) {
      indicatorPoints = splitEvenly(c.points, c.indicators.length);
      choice(cpath, `the document gives ${c.points} points but no split between its ${c.indicators.length} indicators: equal shares ${indicatorPoints.join(' + ')}`);
    } else {
      indicatorPoints = given.map((p) => p ?? 0);
      problems.push(`category "${c.name}": some indicators have points and some have none (${c.indicators.filter((i) => i.points === undefined).map((i) => i.name).join(', ')}): give every indicator its points`);
    }
    const sum = indicatorPoints.reduce((s, p) => s + p, 0);
    if (Math.abs(sum - c.points) > EPS) problems.push(`category "${c.name}" has ${c.points} points but its indicators add up to ${round2(sum)} (${indicatorPoints.join(' + ')}): the document's points do not add up`);
    const indicators = c.indicators.map((ind, ii) => draftIndicator(ind, indicatorPoints[ii], [...cpath, 'indicators', ii], ci));
    return { id: cg.id, name: { zh: c.name, en: cg.en }, points: c.points, indicators };
  });

  function draftIndicator(ind: DocIndicator, points: number, ipath: Path, ci: number) {
    globalNo += 1;
    const g = INDICATORS[ind.name] ?? { id: `indicator-${globalNo}`, en: `TODO: English name of ${ind.name}` };
    src(ipath, ind.words);
    if (!INDICATORS[ind.name]) todo(ipath, `indicator "${ind.name}": its id and English name`);
    const offices = officesFor(ind, ipath, ci);
    const schedule = doc.schedule.find((s) => sameName(s.name, ind.name));
    const windows = windowsFor(ind.items, schedule?.windows ?? []);
    const itemPoints = splitEvenly(points, ind.items.length);
    const parts: string[] = [];
    const targets = ind.items.flatMap((item, k) => {
      const shares = splitEvenly(itemPoints[k], item.targets.length);
      parts.push(shares.length > 1 ? `${itemPoints[k]} (${shares.join(' + ')})` : String(itemPoints[k]));
      return item.targets.map((t, j) => {
        // t2-1a: indicator 2, item (1), its first number; t6-2: indicator 6 (no items), its second number.
        const id = `t${globalNo}-${item.no ?? j + 1}${item.no !== undefined && item.targets.length > 1 ? 'abcdefghij'[j] : ''}`;
        return { id, t, item, window: windows[k], points: shares[j] };
      });
    });
    if (targets.length > 1 && itemPoints.length > 0) choice(ipath, `the document does not split the indicator's ${points} points between its targets: equal shares by item, then by number: ${parts.join(', ')}`);
    if (ind.items.some((it) => it.targets.length > 1)) choice(ipath, 'an item with several numbers gives one target per number');
    return {
      id: g.id,
      name: { zh: ind.name, en: g.en },
      points,
      targets: targets.map(({ id, t, item, window, points: p }, ti) => {
        const tpath: Path = [...ipath, 'targets', ti];
        src([...tpath, 'text'], item.words);
        const measure = draftMeasure(t.measure, tpath);
        const win = draftWindow(t.measure.kind === 'declaration', window, tpath);
        return { id, text: { zh: t.text, en: `TODO translate: ${t.text}`.slice(0, 200) }, measure, window: win, offices, points: p };
      }),
    };
  }

  function draftMeasure(m: ParsedDocument['categories'][number]['indicators'][number]['items'][number]['targets'][number]['measure'], tpath: Path) {
    if (m.kind === 'milestone') {
      note([...tpath, 'measure'], 'no number in the target: a milestone, done or not');
      return { kind: 'milestone' };
    }
    src([...tpath, 'measure'], m.words);
    if (m.kind === 'declaration') return { kind: 'declaration' };
    if (m.kind === 'growthPercent') return { kind: 'growthPercent', atLeast: m.atLeast };
    return { kind: m.kind, atLeast: m.atLeast, unit: { zh: m.unitZh, en: UNITS[m.unitZh] ?? m.unitZh } };
  }

  function draftWindow(declaration: boolean, w: DocWindow | undefined, tpath: Path) {
    const wpath = [...tpath, 'window'];
    if (declaration) {
      note(wpath, '年末申报: declared in December');
      return { startMonth: 12, endMonth: 12 };
    }
    if (!w) {
      choice(wpath, 'the document gives no month window for this target: the whole year');
      return { startMonth: 1, endMonth: 12 };
    }
    src(wpath, w.words);
    if (w.startMonth === undefined) choice(wpath, `the document gives no start month: it starts in January (${w.words} ends in month ${w.endMonth})`);
    if ((w.startMonth ?? 1) > w.endMonth) problems.push(`window "${w.words}" starts after it ends`);
    return { startMonth: w.startMonth ?? 1, endMonth: w.endMonth };
  }

  function officesFor(ind: DocIndicator, ipath: Path, ci: number) {
    const a = doc.assignments.find((x) => sameName(x.name, ind.name));
    if (a) {
      src([...ipath, 'targets'], `${a.words}${a.offices.length > 1 ? `: lead ${a.offices[0]} (named first), co-owner${a.offices.length > 2 ? 's' : ''} ${a.offices.slice(1).join(', ')}` : ''}`);
      const [lead, ...co] = a.offices.map(addOffice);
      return { lead, coOwners: co };
    }
    if (options.defaultOffice) {
      choice([...ipath, 'targets'], `the document names no office for "${ind.name}": ${options.defaultOffice} (cycle import --default-office)`);
      return { lead: addOffice(options.defaultOffice), coOwners: [] };
    }
    todo([...ipath, 'targets'], `indicator "${ind.name}" (category ${ci + 1}): the document names no responsible office; the draft gives it to the placeholder office "unplaced"`);
    if (!officeOf.has('待定科室')) {
      officeOf.set('待定科室', { id: 'unplaced', en: 'TODO: office not named in the document' });
      offices.push({
        id: 'unplaced',
        name: { zh: '待定科室', en: 'TODO: office not named in the document' },
        contact: { personId: 'unplaced-contact', name: 'TODO 待定科室联络员 (contact)', email: `todo-unplaced@${PLACEHOLDER_DOMAIN}` },
        head: { personId: 'unplaced-head', name: 'TODO 待定科室负责人 (head)', email: `todo-unplaced-head@${PLACEHOLDER_DOMAIN}` },
      });
    }
    return { lead: 'unplaced', coOwners: [] };
  }

  for (const a of doc.assignments) {
    if (!doc.categories.some((c) => c.indicators.some((i) => sameName(i.name, a.name)))) {
      problems.push(`责任分工 names "${a.name}" (${a.offices.join('、')}), which is not an indicator of section 二: make the two sections name it alike`);
    }
  }

  const targetCount = doc.categories.flatMap((c) => c.indicators.flatMap((i) => i.items.flatMap((it) => it.targets))).length;
  if (targetCount) todo(['categories'], `the ${targetCount} targets' English texts: each text.en is a "TODO translate: …" placeholder`);
  const total = doc.categories.reduce((s, c) => s + c.points, 0);
  Object.assign(plan, defaultsFor(doc, { year, unitZh: unit.zh, offices, categories, total }, { src, choice, todo, note }));
  return { plan, comments, todos, problems };
}

/** Split points in equal whole shares, the remainder one by one to the first. */
export function splitEvenly(total: number, n: number): number[] {
  if (n <= 0) return [];
  if (!Number.isInteger(total)) return Array.from({ length: n }, (_, i) => round2(i === 0 ? total - round2(total / n) * (n - 1) : total / n));
  const base = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => base + (i < total - base * n ? 1 : 0));
}

function windowsFor(items: DocItem[], windows: DocWindow[]): (DocWindow | undefined)[] {
  if (windows.length === items.length) return windows;
  if (windows.length === 1) return items.map(() => windows[0]);
  // Otherwise a window belongs to the item whose first number (or first words) precede it.
  return items.map((item) => {
    const t = item.targets[0];
    const key = t && 'words' in t.measure && t.measure.kind !== 'declaration' ? t.measure.words : item.words.slice(0, 6);
    return windows.find((w) => w.before.includes(key));
  });
}

function sameName(a: string, b: string): boolean {
  const n = (s: string) => s.replace(/[\s()、,:]/g, '');
  return n(a) === n(b) || (n(a).length >= 4 && n(b).includes(n(a))) || (n(b).length >= 4 && n(a).includes(n(b)));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
