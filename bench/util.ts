/** Small helpers for the benchmarks: statistics, /proc readers, child processes, histories, clean-up. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

// ---------------------------------------------------------------- statistics

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
export const ratio = (x: number, base: number) => (base > 0 && Number.isFinite(x) ? round(x / base, 2) : NaN);
export const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Run `fn` over `items` with at most `limit` at once. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
  return out;
}

// ---------------------------------------------------------------- /proc

const CLK_TCK = 100;

/** CPU seconds (user + system, all threads) a process has used so far; NaN if it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** VmRSS and VmHWM (peak RSS) of a process in MiB; NaN if it is gone. */
export function memoryMiB(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, hwm: NaN };
  }
}

/** Sample a process's RSS every `everyMs` until stopped; reports the peak seen. */
export function rssSampler(pid: number, everyMs = 100) {
  let peak = 0;
  let samples = 0;
  const timer = setInterval(() => {
    const { rss } = memoryMiB(pid);
    if (Number.isFinite(rss)) {
      samples++;
      peak = Math.max(peak, rss);
    }
  }, everyMs);
  timer.unref();
  return {
    /** The peak so far, and a fresh start for the next phase's peak. */
    phase() {
      const p = peak;
      peak = 0;
      return round(p, 1);
    },
    stop() {
      clearInterval(timer);
      return { peakMiB: round(peak, 1), samples };
    },
  };
}

/** Names of running jest processes (someone running the test suite on this shared machine). */
export function jestRunning(): string[] {
  const { readdirSync } = require('node:fs') as typeof import('node:fs');
  const found: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (/\bjest\b/.test(cmd)) found.push(`${d} ${cmd.slice(0, 120)}`);
    } catch {
      // gone
    }
  }
  return found;
}

// ---------------------------------------------------------------- child processes and clean-up

const children = new Set<ChildProcess>();
const cleanups: { name: string; fn: () => Promise<void> }[] = [];

/** Register something to stop at the end (run in reverse order, also on failure and on SIGINT/SIGTERM). */
export function onCleanup(name: string, fn: () => Promise<void>): () => void {
  const entry = { name, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export async function runCleanups(): Promise<void> {
  while (cleanups.length) {
    const c = cleanups.pop()!;
    try {
      await Promise.race([c.fn(), sleepMs(30_000).then(() => Promise.reject(new Error('timed out after 30 s')))]);
    } catch (e) {
      console.error(`  clean-up of ${c.name}: ${(e as Error).message}`);
    }
  }
  for (const c of children) killTree(c, 'SIGKILL');
}

/** Kill a child and, when it leads its own process group, everything it started. */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if ((child as ChildProcess & { benchGroup?: boolean }).benchGroup) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
}

// Last resort: whatever is still running when this process exits is killed with it.
process.on('exit', () => {
  for (const c of children) killTree(c, 'SIGKILL');
});

export interface Spawned {
  child: ChildProcess;
  spawnedAt: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** Resolve with the time (ms since spawn) at which `pattern` first appears on stdout/stderr. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<{ ms: number; match: RegExpMatchArray }>;
  /** SIGINT (or the given signal), then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Spawn a tracked child: its output is kept (last 200 kB), and it is killed if this process dies. */
export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions & { group?: boolean } = {}): Spawned {
  const spawnedAt = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: !!opts.group, ...opts });
  (child as ChildProcess & { benchGroup?: boolean }).benchGroup = !!opts.group;
  children.add(child);
  let out = '';
  const watchers: { pattern: RegExp; resolve: (v: { ms: number; match: RegExpMatchArray }) => void }[] = [];
  const onData = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-200_000);
    const at = performance.now() - spawnedAt;
    for (const w of [...watchers]) {
      const m = out.match(w.pattern);
      if (m) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve({ ms: at, match: m });
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.once('error', () => {
      children.delete(child);
      resolve({ code: -1, signal: null });
    });
  });
  return {
    child,
    spawnedAt,
    exited,
    output: () => out,
    waitFor(pattern, timeoutMs) {
      const m = out.match(pattern);
      if (m) return Promise.resolve({ ms: performance.now() - spawnedAt, match: m });
      return new Promise((resolve, reject) => {
        const w = { pattern, resolve: (v: { ms: number; match: RegExpMatchArray }) => (clearTimeout(timer), resolve(v)) };
        const timer = setTimeout(() => {
          watchers.splice(watchers.indexOf(w), 1);
          reject(new Error(`${cmd} ${args.join(' ')}: no ${pattern} within ${timeoutMs / 1000} s; output tail:\n${out.slice(-2000)}`));
        }, timeoutMs);
        watchers.push(w);
        void exited.then(({ code, signal }) => {
          if (watchers.includes(w)) {
            clearTimeout(timer);
            watchers.splice(watchers.indexOf(w), 1);
            reject(new Error(`${cmd} ${args.join(' ')} exited (${code ?? signal}) before printing ${pattern}; output tail:\n${out.slice(-2000)}`));
          }
        });
      });
    },
    async stop(signal = 'SIGINT', graceMs = 20_000) {
      const t = performance.now();
      if (child.exitCode === null && child.signalCode === null) {
        try {
          child.kill(signal);
        } catch {
          // gone
        }
        const timer = setTimeout(() => killTree(child, 'SIGKILL'), graceMs);
        const r = await exited;
        clearTimeout(timer);
        // A process-group leader may have left children (start.js's dev server): make sure they are gone too.
        if (opts.group) killTree(child, 'SIGKILL');
        return { ...r, ms: performance.now() - t };
      }
      return { ...(await exited), ms: 0 };
    },
  };
}

// ---------------------------------------------------------------- histories

export function tsMs(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!t) return NaN;
  const s = t.seconds as number | { toNumber(): number } | null | undefined;
  const secs = s === null || s === undefined ? 0 : typeof s === 'number' ? s : s.toNumber();
  return secs * 1000 + (t.nanos ?? 0) / 1e6;
}

export function eventName(e: HistoryEvent): string {
  const n = temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
  return n.replace(/^EVENT_TYPE_/, '');
}

/** Every run of a workflow, following continue-as-new from the given (first) run. */
export async function historyChain(client: Client, workflowId: string, firstRunId: string): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined = firstRunId;
  for (let i = 0; runId && i < 1000; i++) {
    const h: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events: HistoryEvent[] = h.events ?? [];
    runs.push(events);
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

export function countByType(runs: HistoryEvent[][]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const run of runs) for (const e of run) c[eventName(e)] = (c[eventName(e)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(c).sort((a, b) => b[1] - a[1]));
}
