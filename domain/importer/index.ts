/**
 * `cycle import`: a performance plan's text (as pulled out of its PDF or
 * .docx) to a draft plan file. Pure: the caller reads the document.
 */
import { draftPlan, type DraftOptions } from './draft';
import { emitYaml } from './emit';
import { parseDocument } from './parse';

export interface ImportResult {
  /** The draft plan file; empty when there are problems. */
  yaml: string;
  /** The draft as data (what the YAML parses to). */
  plan: Record<string, unknown>;
  /** What a person must fill in before the plan can run (placeholders in the draft). */
  todos: string[];
  /** What is wrong in the document itself (e.g. points that do not add up): nothing is written. */
  problems: string[];
  /** Noise the importer removed (line numbers, glued page numbers). */
  repairs: string[];
}

export interface ImportOptions extends DraftOptions {
  /** Named in the draft's header. */
  sourceName?: string;
}

export function importPlanText(text: string, options: ImportOptions = {}): ImportResult {
  const doc = parseDocument(text);
  const draft = draftPlan(doc, options);
  if (draft.problems.length) return { yaml: '', plan: draft.plan, todos: draft.todos, problems: draft.problems, repairs: doc.repairs };
  const header = [
    doc.title,
    `Draft plan imported by \`cycle import\` from ${options.sourceName ?? 'the plan document'}.`,
    '"原文 source" comments quote the document; "CHOICE" marks a default the document leaves',
    'open (change it here if the unit decided otherwise); "TODO" marks a placeholder that must be',
    `replaced before the cycle starts (${draft.todos.length} listed at the end; placeholder addresses end in @example.invalid).`,
    ...(doc.repairs.length ? ['Noise removed from the text:', ...doc.repairs.map((r) => `  - ${r}`)] : []),
  ];
  const footer = ['TODO: fill in before `cycle validate` and `cycle start`:', ...draft.todos.map((t, i) => `  ${i + 1}. ${t}`)];
  type Json = Parameters<typeof emitYaml>[0];
  return { yaml: emitYaml(draft.plan as Json, draft.comments, header, footer), plan: draft.plan, todos: draft.todos, problems: [], repairs: doc.repairs };
}
