/**
 * Summarises V8 .cpuprofile files (node --cpu-prof, one per thread) over a
 * time window: self time by category (package, product folder, GC, idle) and
 * the hottest functions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  /** "main" or "worker thread <tid>". */
  thread: string;
  windowApplied: boolean;
  sampledMs: number;
  idleMs: number;
  busyMs: number;
  byCategory: { category: string; ms: number; pctOfBusy: number }[];
  topFunctions: { fn: string; category: string; ms: number; pctOfBusy: number }[];
}

const FS_NATIVE = new Set(['fsync', 'fdatasync', 'open', 'close', 'read', 'writeBuffer', 'writeString', 'mkdir', 'rename', 'stat', 'lstat', 'fstat', 'unlink', 'rmdir', 'readdir', 'existsSync', 'access', 'internalModuleStat', 'readFileUtf8', 'rmSync']);

/** `callerUrl`: the calling frame's, which tells a socket's write (the same native `writeBuffer`) from a file's. */
export function categoryOf(url: string, fn: string, callerUrl = ''): string {
  if (!url) {
    if (fn === '(idle)') return '(idle)';
    if (fn === '(garbage collector)') return 'GC';
    if (fn === '(program)') return '(program: native, compiler, bindings)';
    if (FS_NATIVE.has(fn)) return /stream_base_commons|^node:net$/.test(callerUrl) ? 'node: net (socket writes)' : 'node: fs (native, synchronous)';
    if (fn === 'runInContext' || fn === 'runInNewContext') return 'vm.runInContext (workflow activation entry)';
    if (fn === 'postMessage' || fn === 'receiveMessageOnPort') return 'worker_threads messaging';
    return fn ? `native: ${fn}` : '(native)';
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) {
    const m = /^node:(?:internal\/)?(fs|stream|net|buffer|crypto|zlib|dns|tls|http|worker_threads|vm)/.exec(url);
    return m ? `node: ${m[1]}` : 'node: internals';
  }
  const m = /\/dist\/(activities|domain|workflows|worker|infra|client|bench)\//.exec(url);
  if (m) return `product: ${m[1]}`;
  if (/bundle|webpack|workflow/i.test(url)) return 'workflow bundle (cycle + SDK workflow runtime)';
  return path.basename(url) || url;
}

/**
 * `window` is [fromUs, toUs] on the profile's own clock (CLOCK_MONOTONIC in
 * microseconds, the same clock as process.hrtime); null: the whole profile.
 */
/**
 * Maps a line of a webpack workflow bundle to the module it belongs to (by the bundle's
 * module markers, lines like: slash-star-star-star-slash "./path":), so bundle frames are attributed to luxon, zod, the
 * domain code or the SDK's workflow runtime instead of "the bundle".
 */
export function bundleLineIndex(code: string): (line: number) => string {
  const starts: { line: number; pkg: string }[] = [];
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\*\*\*\/ "([^"]+)"/.exec(lines[i]);
    if (!m) continue;
    const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m[1]);
    const dist = /dist\/([^/]+)\//.exec(m[1]);
    starts.push({ line: i, pkg: nm ? nm[1] : dist ? `product: ${dist[1]}` : m[1] });
  }
  return (line: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid].line <= line) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return `bundle: ${found < 0 ? 'webpack runtime' : starts[found].pkg}`;
  };
}

export function summarizeProfile(file: string, window: [number, number] | null, top = 12, bundleLine?: (line: number) => string): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const callerOf = new Map<number, ProfileNode>();
  for (const n of p.nodes) for (const c of n.children ?? []) callerOf.set(c, n);
  const self = new Map<number, number>();
  let t = p.startTime;
  const applied = !!window && window[0] < p.endTime && window[1] > p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (applied && (t < window![0] || t > window![1])) continue;
    const dt = p.timeDeltas[i + 1] ?? 0;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + dt);
  }
  const cats = new Map<string, number>();
  const fns = new Map<string, { ms: number; category: string }>();
  let sampled = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const category = bundleLine && /workflow-bundle-[0-9a-f]+\.js$|cycle-bundle\.js$/.test(url) ? bundleLine(lineNumber) : categoryOf(url, functionName, callerOf.get(id)?.callFrame.url);
    const ms = us / 1000;
    sampled += ms;
    if (category === '(idle)') {
      idle += ms;
      continue;
    }
    cats.set(category, (cats.get(category) ?? 0) + ms);
    const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}` : ''}`.trim();
    const f = fns.get(key) ?? { ms: 0, category };
    f.ms += ms;
    fns.set(key, f);
  }
  const busy = sampled - idle;
  const pct = (ms: number) => (busy > 0 ? Number(((ms / busy) * 100).toFixed(1)) : 0);
  const tid = /\.(\d+)\.(\d+)\.(\d+)\.cpuprofile$/.exec(path.basename(file));
  return {
    file: path.basename(file),
    thread: tid && tid[2] !== '0' ? `worker thread ${tid[2]}` : 'main',
    windowApplied: applied,
    sampledMs: Number(sampled.toFixed(0)),
    idleMs: Number(idle.toFixed(0)),
    busyMs: Number(busy.toFixed(0)),
    byCategory: [...cats.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([category, ms]) => ({ category, ms: Number(ms.toFixed(0)), pctOfBusy: pct(ms) })),
    topFunctions: [...fns.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([fn, v]) => ({ fn, category: v.category, ms: Number(v.ms.toFixed(0)), pctOfBusy: pct(v.ms) })),
  };
}

export function summarizeProfileDir(dir: string, window: [number, number] | null, bundleLine?: (line: number) => string): ProfileSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => summarizeProfile(path.join(dir, f), window, 12, bundleLine));
}
