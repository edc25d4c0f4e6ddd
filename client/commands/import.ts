/**
 * `cycle import DOC [--out FILE] [--default-office 计划科] [--force]`: a signed
 * plan (text, .docx or .pdf) to a draft plan file that `cycle validate`
 * accepts once its TODOs are filled in. Nothing is written when the document
 * has problems, or when FILE exists and --force is not given.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { importPlanText, type ImportResult } from '../../domain/importer';
import { DocumentError, documentText } from '../importer/extract';

export interface ImportIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface ImportOpts {
  out?: string;
  defaultOffice?: string;
  force?: boolean;
}

export async function importPlan(docPath: string, opts: ImportOpts = {}): Promise<ImportResult> {
  const text = await documentText(docPath);
  return importPlanText(text, { sourceName: path.basename(docPath), defaultOffice: opts.defaultOffice });
}

const USAGE = 'usage: cycle import DOC [--out FILE] [--default-office 计划科] [--force]';

/** Returns the exit code: 0 written, 1 bad input or a document with problems. */
export async function importCommand(args: string[], io: ImportIo): Promise<number> {
  const opts: ImportOpts = {};
  const docs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--out' || a === '--default-office') {
      const v = args[++i];
      if (!v) return fail(io, `${a} needs a value: ${USAGE}`);
      if (a === '--out') opts.out = v;
      else opts.defaultOffice = v;
    } else if (a === '--force') opts.force = true;
    else if (a.startsWith('-')) return fail(io, `unknown option ${a}: ${USAGE}`);
    else docs.push(a);
  }
  if (docs.length !== 1) return fail(io, `give exactly one document: ${USAGE}`);
  if (opts.out && existsSync(opts.out) && !opts.force) return fail(io, `${opts.out} exists: choose another --out or pass --force to replace it`);
  let r: ImportResult;
  try {
    r = await importPlan(docs[0], opts);
  } catch (e) {
    if (e instanceof DocumentError) return fail(io, e.message);
    throw e;
  }
  if (r.problems.length) {
    io.err(`${docs[0]}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} in the document; nothing was written:`);
    r.problems.forEach((p) => io.err(`  ${p}`));
    return 1;
  }
  if (opts.out) {
    // Write beside and rename, so a half-written plan never sits under the final name.
    const tmp = `${opts.out}.${process.pid}.tmp`;
    writeFileSync(tmp, r.yaml);
    renameSync(tmp, opts.out);
    io.out(`draft plan written to ${opts.out}: ${targetCount(r)} targets, ${r.todos.length} TODOs to fill in before \`cycle validate ${opts.out}\`:`);
  } else io.out(r.yaml.trimEnd());
  const say = opts.out ? io.out : io.err;
  r.todos.forEach((t, i) => say(`  TODO ${i + 1}. ${t}`));
  return 0;
}

function targetCount(r: ImportResult): number {
  const cats = (r.plan.categories ?? []) as { indicators: { targets: unknown[] }[] }[];
  return cats.reduce((n, c) => n + c.indicators.reduce((m, i) => m + i.targets.length, 0), 0);
}

function fail(io: ImportIo, line: string): number {
  io.err(line);
  return 1;
}
