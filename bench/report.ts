/** The results table, warnings and JSON of one bench run, and the helpers every section uses to fill them. */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../infra/paths';
import { log, T_START } from './config';
import { jestRunning, onCleanup } from './util';

export interface Row {
  section: string;
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  note?: string;
}
export const rows: Row[] = [];
export const warnings: string[] = [];
export const results: Record<string, unknown> = {};

export const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
export const fmtRatio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a');
export function row(section: string, measure: string, value: string, baseline = '', r = NaN, note?: string) {
  rows.push({ section, measure, value, baseline, ratio: Number.isFinite(r) ? fmtRatio(r) : '', note });
}

export function tmp(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), `bench-${prefix}-`));
  // BENCH_KEEP_TMP=1 keeps the work folder (server log, profiles, ledgers) for a closer look.
  if (process.env.BENCH_KEEP_TMP !== '1') onCleanup(`temp dir ${d}`, async () => rmSync(d, { recursive: true, force: true }));
  else log(`keeping ${d}`);
  return d;
}

export function checkContention(where: string) {
  const jest = jestRunning();
  if (jest.length) {
    const w = `jest was running during "${where}" (${jest.length} process(es)): timings of this section are contended`;
    warnings.push(w);
    log(`WARNING: ${w}`);
  }
}
export function printTable() {
  const cols: (keyof Row)[] = ['section', 'measure', 'value', 'baseline', 'ratio', 'note'];
  const head: Row = { section: 'section', measure: 'measure', value: 'value', baseline: 'baseline', ratio: 'ratio', note: 'note' };
  const widths = cols.map((c) => Math.min(c === 'note' ? 200 : 70, Math.max(...[head, ...rows].map((r) => [...String(r[c] ?? '')].length))));
  const line = (r: Row) => cols.map((c, i) => String(r[c] ?? '').padEnd(widths[i])).join(' | ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('-+-');
  const lines = [line(head), sep, ...rows.map(line)];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  return lines.join('\n');
}

export function writeResults(extra: Record<string, unknown>) {
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date(T_START).toISOString().replace(/:/g, '-');
  const body = `${JSON.stringify({ ...extra, ...results, table: rows, warnings }, null, 2)}\n`;
  const files = [path.join(dir, `${stamp}.json`), path.join(dir, 'latest.json')];
  for (const f of files) {
    writeFileSync(`${f}.tmp`, body);
    renameSync(`${f}.tmp`, f);
  }
  return files;
}
