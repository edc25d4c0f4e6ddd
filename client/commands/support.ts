/**
 * What every `cycle` sub-command shares: the exit codes, the lazily connected
 * application context, one-line errors, tables, and reading the files people
 * hand it (values as JSON, YAML or Excel) with limits checked before parsing.
 */
import { readFileSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { DateTime } from 'luxon';
import { parseDocument } from 'yaml';
import type { Client } from '@temporalio/client';
import { appContext, type Actor, type AppContext, type CycleRef } from '../../app/context';
import { AppError, type AppErrorKind } from '../../app/errors';
import { loadConfig, type AppConfig } from '../../infra/config';
import { connectClient } from '../../infra/connection';
import { openConfiguredStore, type OpenedStore } from '../../store';

export const EXIT = { ok: 0, input: 1, refused: 2, notFound: 3, unreachable: 4, internal: 5 } as const;
export const EXIT_OF_KIND: Record<AppErrorKind, number> = { input: 1, refused: 2, notFound: 3, unreachable: 4, internal: 5 };

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** What a command gets: output, configuration, and the application context (connected on first use). */
export interface CommandEnv {
  io: Io;
  config(): AppConfig;
  app(): Promise<AppContext>;
  print(json: boolean | undefined, data: unknown, text: () => string): void;
  close(): Promise<void>;
}

export function commandEnv(io: Io): CommandEnv {
  let config: AppConfig | undefined;
  let client: Promise<Client> | undefined;
  let store: Promise<OpenedStore> | undefined;
  const env: CommandEnv = {
    io,
    config: () => (config ??= loadConfig()),
    async app() {
      const c = env.config();
      client ??= connectClient(c).catch((e) => {
        throw new CliError(`cannot reach Temporal at ${c.temporal.address} (${(e as Error).message.split('\n')[0]}): is \`npm start\` running? Set TEMPORAL_ADDRESS for another server`, EXIT.unreachable);
      });
      store ??= openConfiguredStore(c);
      const s = await store;
      return appContext(await client, c, s);
    },
    print: (json, data, text) => io.out(json ? JSON.stringify(data, null, 2) : text()),
    async close() {
      if (client) await client.then((c) => c.connection.close()).catch(() => undefined);
      if (store) await store.then((s) => s.close()).catch(() => undefined);
    },
  };
  return env;
}

export function table(head: string[], rows: (string | number | undefined)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))))];
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1), 0);
  const widths = head.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function currentYear(): number {
  return DateTime.now().setZone('Asia/Shanghai').year;
}

export function parseYear(value: string | undefined, flag = '--year'): number {
  if (value === undefined) return currentYear();
  const y = Number(value);
  if (!/^\d{4}$/.test(value.trim()) || y < 2000 || y > 2100) throw new CliError(`${flag} ${value} is not a year: write e.g. ${flag} ${currentYear()}`, EXIT.input);
  return y;
}

/** A period as the cycle names them; checked here so a typo is a bad input (exit 1), not a refusal. */
export function parsePeriod(value: string, year?: number): { period: string; year: number } {
  const y = year ?? currentYear();
  const m = /^(\d{4})-(0[1-9]|1[0-2]|Q[1-4]|final)$/i.exec(value.trim());
  if (!m) throw new CliError(`--period ${value} is not a period: write ${y}-04 for a month, ${y}-Q2 for a quarter-end report, or ${y}-final at year-end`, EXIT.input);
  return { period: `${m[1]}-${m[2].toUpperCase() === 'FINAL' ? 'final' : m[2].toUpperCase()}`, year: Number(m[1]) };
}

export function quarterPeriod(y: number, q: string): string {
  const m = /^(?:(\d{4})-)?Q?([1-4])$/i.exec(q.trim());
  if (!m) throw new CliError(`--quarter ${q} is not a quarter: write 1-4, Q2 or ${y}-Q2`, EXIT.input);
  if (m[1] && Number(m[1]) !== y) throw new CliError(`--quarter ${q} is not in ${y}: pass --year ${m[1]}`, EXIT.input);
  return `${y}-Q${m[2]}`;
}

/** Person ids are lower-case; an operator typing HTO-CONTACT means hto-contact. */
export function actorOf(as: string): Actor {
  return { personId: as.trim().toLowerCase(), via: 'cli' };
}

export function cycleRef(unitId: string, year: number): CycleRef {
  return { unitId, year };
}

export const yearOption = () => new Option('--year <year>', 'plan year (default: the current year in Asia/Shanghai)');
export const asOption = () => new Option('--as <person>', 'who you are: a personId from the plan (operator tool: trusted as given)').makeOptionMandatory();
export const jsonOption = (cmd: Command) => cmd.option('--json', 'print the outcome as JSON');

/** Values files are small; anything larger is refused before it is read or parsed. */
export const VALUES_FILE_LIMIT = 1024 * 1024;

export function readDataFile(file: string, what: string): unknown {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new CliError(`${what} ${file} is not a regular file: pass a JSON or YAML file`, EXIT.input);
    size = st.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${what} ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code})`}: check the path`, EXIT.input);
  }
  if (size > VALUES_FILE_LIMIT) throw new CliError(`${what} ${file} is ${(size / 1048576).toFixed(1)} MiB; the limit is ${VALUES_FILE_LIMIT / 1048576} MiB: a values file lists numbers per target and a short narrative (attach long text as evidence)`, EXIT.input);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch {
    throw new CliError(`${what} ${file} is not UTF-8 text: save it as UTF-8 JSON or YAML`, EXIT.input);
  }
  // JSON is read as YAML 1.2 (a superset) so a key given twice is an error with its line, not silently merged.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const kind = file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML';
    const why = e.code === 'DUPLICATE_KEY' ? 'a key is given twice: give each target once' : `${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}: fix it and save again`;
    throw new CliError(`${what} ${file} is not valid ${kind} (line ${e.linePos?.[0]?.line ?? '?'}): ${why}`, EXIT.input);
  }
  return doc.toJS({ maxAliasCount: 100 });
}

export function describeNumber(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity (too large)' : v === -Infinity ? '-Infinity' : String(v);
  return JSON.stringify(v) ?? String(v);
}

/** A values file: `{ values: { t1-1: 12 } | [{ targetId, value }], narrative?: string }`. */
export function parseValuesFile(file: string): { values: { targetId: string; value: number; note?: string }[]; narrative?: string } {
  const raw = readDataFile(file, 'values file') as { values?: unknown; narrative?: unknown } | null;
  if (!raw || typeof raw !== 'object' || raw.values === undefined) {
    throw new CliError(`values file ${file} has no "values": write { "values": { "t1-1": 12 }, "narrative": "…" }`, EXIT.input);
  }
  const list: { targetId: string; value: unknown; note?: string }[] = Array.isArray(raw.values)
    ? (raw.values as { targetId: string; value: unknown; note?: string }[])
    : Object.entries(raw.values as Record<string, unknown>).map(([targetId, value]) => ({ targetId, value }));
  const seen = new Set<string>();
  for (const [i, v] of list.entries()) {
    if (typeof v?.value !== 'number' || !Number.isFinite(v.value)) {
      throw new CliError(`values file ${file}: values[${i}] (${String(v?.targetId)}) is ${describeNumber(v?.value)}, not a finite number: write a plain number`, EXIT.input);
    }
    if (seen.has(v.targetId)) throw new CliError(`values file ${file}: target ${v.targetId} is listed twice: give each target once`, EXIT.input);
    seen.add(v.targetId);
  }
  if (raw.narrative !== undefined && typeof raw.narrative !== 'string') throw new CliError(`values file ${file}: "narrative" must be text`, EXIT.input);
  return { values: list as { targetId: string; value: number; note?: string }[], narrative: raw.narrative as string | undefined };
}

export function exitCodeOf(e: AppError): number {
  return EXIT_OF_KIND[e.kind];
}
