/**
 * One month-end dispatch experiment: N cycles (or baseline workflows) reach the December 2026
 * month-end together on the dev server, with the worker in a child process (bench/workerChild.ts);
 * reads the time from the first dispatch timer to the last e-mail, CPU, RSS and the histories.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../infra/paths';
import { MailSink, type ReceivedMail } from '../infra/smtpSink';
import type { supervisionCycle } from '../workflows/cycle';
import type { mailBaseline } from './baselineWorkflows';
import { bundles, unpreloadedBundle } from './bundles';
import { CONFIG, log } from './config';
import { criticalPath, type DispatchContext, type DispatchMode, type DispatchResult, type DispatchSpec } from './dispatchTypes';
import { bundleLineIndex, summarizeProfileDir } from './profile';
import { fmt, warnings } from './report';
import { cleanEnv } from './startup';
import { cpuSeconds, historyChain, median, memoryMiB, onCleanup, pool, quantile, round, rssSampler, sleepMs, spawnTracked, tsMs } from './util';
import type { WorkerChildConfig } from './workerChild';

/** The baseline workflow each non-product mode starts. */
const FLOOR_WORKFLOW: Record<DispatchMode, string> = { cycle: '', floor: 'mailFloor', localFloor: 'mailFloorLocal', baseline: 'mailBaseline' };

let experimentSeq = 0;

function tmpfsDir(name: string): string {
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const d = mkdtempSync(path.join(base, `bench-${name}-`));
  onCleanup(`tmpfs dir ${d}`, async () => rmSync(d, { recursive: true, force: true }));
  return d;
}
export async function runDispatch(ctx: DispatchContext, spec: DispatchSpec): Promise<DispatchResult> {
  const tExp = performance.now();
  const seq = ++experimentSeq;
  const b = await bundles(ctx.dir);
  const exp = path.join(ctx.dir, `exp-${seq}-${spec.label.replace(/[^A-Za-z0-9]+/g, '_')}`);
  mkdirSync(exp, { recursive: true });
  const taskQueue = `bench-${spec.mode}-${spec.n}-${seq}-${Date.now().toString(36)}`;
  const out: DispatchResult = {
    label: spec.label,
    mode: spec.mode,
    n: spec.n,
    tuning: spec.tuning,
    smtpMaxConnections: spec.smtpMax ?? 'default (8)',
    maxCachedWorkflows: spec.maxCachedWorkflows ?? 'product default',
    heapGrowingPercent: spec.nodeOptions?.some((f) => f.startsWith('--heap-growing-percent')) ? 'node flags' : (spec.heapGrowingPercent ?? 'product default'),
    workflowHeapMiB: spec.nodeOptions?.some((f) => f.startsWith('--max-old-space-size')) ? 'node flags' : (spec.workflowHeapMiB ?? 'product default'),
    ledger: spec.ledgerTmpfs ? 'file (tmpfs)' : (spec.ledger ?? 'sqlite'),
    prebuiltBundle: spec.mode !== 'cycle' || !!spec.prebuilt || !!spec.noPreload,
    ok: false,
    experimentMs: 0,
  };
  const sink = await new MailSink().start();
  const unSink = onCleanup(`mail sink ${spec.label}`, () => sink.stop());
  const cfg: WorkerChildConfig = {
    mode: spec.mode,
    address: ctx.server.address,
    namespace: 'default',
    taskQueue,
    smtpUrl: sink.url,
    ledgerDir: spec.ledgerTmpfs ? tmpfsDir(`ledger-${seq}`) : path.join(exp, 'ledger'),
    ledger: spec.ledgerTmpfs ? 'file' : (spec.ledger ?? 'sqlite'),
    storeDir: path.join(exp, 'store'),
    databaseUrl: spec.ledger === 'postgres' ? await ctx.pgDatabase!() : undefined,
    reportsDir: path.join(exp, 'reports'),
    bundlePath: spec.mode !== 'cycle' ? b.baseline.file : spec.noPreload ? (await unpreloadedBundle(ctx.dir)).file : spec.prebuilt ? b.cycle.file : undefined,
    tuning: spec.tuning,
    smtpNoDelay: spec.smtpNoDelay,
    maxCachedWorkflows: spec.maxCachedWorkflows,
    heapGrowingPercent: spec.heapGrowingPercent,
    workflowHeapMiB: spec.workflowHeapMiB,
  };
  const childEnv = cleanEnv({ BENCH_WORKER_CONFIG: JSON.stringify(cfg) });
  if (spec.smtpMax !== undefined) childEnv.SMTP_MAX_CONNECTIONS = String(spec.smtpMax);
  // The worker runs as deployed (glibc's own malloc arenas) unless the variant sets them.
  if (spec.mallocArenas === undefined) delete childEnv.MALLOC_ARENA_MAX;
  else childEnv.MALLOC_ARENA_MAX = String(spec.mallocArenas);
  const profDir = spec.cpuProf ? path.join(exp, 'cpuprofile') : undefined;
  const nodeArgs = [...(spec.nodeOptions ?? []), ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500'] : [])];
  const w = spawnTracked(process.execPath, [...nodeArgs, path.join(__dirname, 'workerChild.js')], { cwd: REPO_ROOT, env: childEnv });
  const unWorker = onCleanup(`worker child ${spec.label}`, async () => void (await w.stop('SIGKILL', 1000)));
  const pid = w.child.pid!;
  const rss = rssSampler(pid, 100);
  try {
    const ready = await w.waitFor(/BENCH_WORKER_READY (\d+) (\d+) (\d+)/, 120_000);
    out.workerReadyMs = Number(ready.match[1]);
    const epoch0 = Number(ready.match[2]);
    const mono0 = Number(ready.match[3]);
    const lead = CONFIG.leadBaseMs + spec.n * CONFIG.leadPerCycleMs;
    out.leadMs = lead;
    const T = Date.now() + lead;
    // CPU seconds of worker, server and this process (sink + client), every 100 ms, to cut out the dispatch window later.
    const cpuSamples: { at: number; worker: number; server: number; bench: number }[] = [];
    const snap = () => cpuSamples.push({ at: Date.now(), worker: cpuSeconds(pid), server: ctx.server.pid ? cpuSeconds(ctx.server.pid) : NaN, bench: cpuSeconds(process.pid) });
    const cpuTimer = setInterval(snap, 100);
    const unCpu = onCleanup('cpu sampler', async () => clearInterval(cpuTimer));
    // Starts are paced (one every startPaceMs) so that each cycle's first workflow task runs promptly:
    // its plan clock is fixed then, and a backlog there would shift its dispatch timer.
    const tStart = Date.now();
    const started = await pool(
      Array.from({ length: spec.n }, (_, i) => i),
      16,
      async (i) => {
        await sleepMs(tStart + i * CONFIG.startPaceMs - Date.now());
        const workflowId = `bench-${spec.label.replace(/[^A-Za-z0-9]+/g, '-')}-${seq}-${i}`;
        const delay = T - Date.now();
        const h =
          spec.mode === 'cycle'
            ? await ctx.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
                taskQueue,
                workflowId,
                // The plan clock starts `delay` before the December dispatch (09:00 Shanghai), so it reads 09:00 at about T.
                args: [{ plan: ctx.plan2026, options: { simulatedStart: new Date(ctx.dispatchPlanMs - delay).toISOString() } }],
              })
            : await ctx.client.workflow.start<typeof mailBaseline>(FLOOR_WORKFLOW[spec.mode], {
                taskQueue,
                workflowId,
                args: [{ delayMs: delay, mails: ctx.mailTemplates!, tag: workflowId }],
              });
        return { workflowId, firstRunId: h.firstExecutionRunId, delay };
      },
    );
    out.startPhaseMs = Date.now() - tStart;
    out.startPhasePeakRssMiB = rss.phase();
    out.startedLate = started.filter((s) => s.delay <= 0).length;
    if (out.startedLate) warnings.push(`${spec.label}: ${out.startedLate} workflow(s) were started after the dispatch instant (lead ${lead} ms too short)`);
    const expected = spec.n * (spec.mode === 'cycle' ? ctx.mailsPerCycle : ctx.mailTemplates!.length);
    const timeout = Math.max(0, T - Date.now()) + 30_000 + spec.n * 400;
    try {
      await sink.waitFor((m) => m.length >= expected, timeout, `${expected} e-mails`);
    } finally {
      snap();
      clearInterval(cpuTimer);
      unCpu();
    }
    const tDone = Math.max(...sink.messages.map((m: ReceivedMail) => m.receivedAt.getTime()));
    out.dispatchPeakRssMiB = rss.stop().peakMiB;
    out.workerPeakRssMiB = Math.max(out.startPhasePeakRssMiB, out.dispatchPeakRssMiB);
    out.workerVmHwmMiB = round(memoryMiB(pid).hwm, 1);
    out.mails = sink.messages.length;
    if (spec.mode === 'cycle' && !ctx.mailTemplates) {
      await sleepMs(1500); // anything beyond the dispatch would show up now
      ctx.mailsPerCycle = Math.round(sink.messages.length / spec.n);
      ctx.mailTemplates = sink.messages.slice(0, ctx.mailsPerCycle).map((m) => ({
        to: addresses(m.parsed.to),
        cc: addresses(m.parsed.cc),
        subject: m.parsed.subject ?? '',
        text: m.parsed.text ?? '',
        html: typeof m.parsed.html === 'string' ? m.parsed.html : '',
      }));
    }
    // Stop the worker before reading histories, so the profile and the window are the dispatch only.
    unWorker();
    await w.stop('SIGINT', 20_000);
    const chains = await pool(started, 8, (s) => historyChain(ctx.client, s.workflowId, s.firstRunId));
    // The dispatch instant as the server saw it: the first dispatch timer to fire (each cycle's plan clock was fixed
    // by its first workflow task, so the timers fire a little after T; their spread is reported).
    const fires = chains.map((runs) => tsMs(runs[0].find((e) => !!e.timerFiredEventAttributes)?.eventTime)).filter(Number.isFinite);
    const t0 = Math.min(...fires);
    out.instantMs = { T, firstFire: round(t0 - T, 0), medianFire: round(median(fires) - T, 0), lastFire: round(Math.max(...fires) - T, 0), fireSpread: round(Math.max(...fires) - t0, 0) };
    const lat = sink.messages.map((m: ReceivedMail) => m.receivedAt.getTime() - t0);
    out.dispatchMs = round(tDone - t0, 0);
    out.fromPlannedInstantMs = round(tDone - T, 0);
    out.mailLatencyMs = { first: round(Math.min(...lat), 0), p50: round(quantile(lat, 0.5), 0), p90: round(quantile(lat, 0.9), 0), last: round(Math.max(...lat), 0) };
    out.mailsPerSec = round(out.mails / ((tDone - t0) / 1000), 1);
    const at = (t: number) => cpuSamples.reduce((best, c) => (Math.abs(c.at - t) < Math.abs(best.at - t) ? c : best), cpuSamples[0]);
    const c0 = at(t0);
    const c1 = at(tDone);
    const s0 = at(tStart);
    const s1 = at(T);
    out.startPhaseCpuMsPerCycle = { worker: round(((s1.worker - s0.worker) * 1000) / spec.n, 1), server: round(((s1.server - s0.server) * 1000) / spec.n, 1) };
    const cpu = { worker: c1.worker - c0.worker, server: c1.server - c0.server, benchProcess: c1.bench - c0.bench };
    const totalCpu = cpu.worker + cpu.server + cpu.benchProcess;
    out.cpuSecondsInWindow = {
      worker: round(cpu.worker, 2),
      server: round(cpu.server, 2),
      benchProcess: round(cpu.benchProcess, 2),
      total: round(totalCpu, 2),
      utilisationOf2Cores: round(totalCpu / (Math.max(0.1, (c1.at - c0.at) / 1000) * os.cpus().length), 2),
    };
    let wftWindow = 0;
    let wftAfter = 0;
    let actWindow = 0;
    const segments: Record<string, number[]> = {};
    for (const [i, runs] of chains.entries()) {
      for (const [k, v] of Object.entries(criticalPath(runs[0]))) (segments[k] ??= []).push(v);
      // How long each workflow's first task took after its start call: it fixes the plan clock, so it is the timer's lag.
      const first = runs[0].find((e) => !!e.workflowTaskCompletedEventAttributes);
      (segments['start call → first WFT completed'] ??= []).push(tsMs(first?.eventTime) - (T - started[i].delay));
      const firstStarted = runs[0].find((e) => !!e.workflowTaskStartedEventAttributes);
      (segments['first WFT run (started→completed)'] ??= []).push(tsMs(first?.eventTime) - tsMs(firstStarted?.eventTime));
      (segments['timer fired − planned instant'] ??= []).push(fires[i] - T);
    }
    out.criticalPath = Object.fromEntries(Object.entries(segments).map(([k, v]) => [k, { median: round(median(v), 0), p90: round(quantile(v, 0.9), 0) }]));
    for (const runs of chains) {
      for (const events of runs) {
        for (const e of events) {
          const t = tsMs(e.eventTime);
          if (t < t0 - 50) continue;
          if (e.workflowTaskCompletedEventAttributes) {
            wftAfter++;
            if (t <= tDone) wftWindow++;
          }
          if (e.activityTaskCompletedEventAttributes && t <= tDone) actWindow++;
        }
      }
    }
    out.workflowTasksInWindow = wftWindow;
    out.workflowTasksPerSec = round(wftWindow / ((tDone - t0) / 1000), 1);
    out.workflowTasksPerCycleAfterDispatch = round(wftAfter / spec.n, 2);
    out.activitiesInWindow = actWindow;
    const mono = (t: number) => mono0 + (t - epoch0) * 1000;
    if (profDir) {
      // The child bundled the same sources with the same options, so the line → module map of our bundle applies.
      const bundleLine = bundleLineIndex(b.cycle.code);
      out.profile = summarizeProfileDir(profDir, [mono(t0), mono(tDone)], bundleLine);
      out.profileStartPhase = summarizeProfileDir(profDir, [mono(tStart), mono(T)], bundleLine);
    }
    out.ok = true;
  } catch (e) {
    out.error = (e as Error).message.split('\n').slice(0, 3).join(' ');
    warnings.push(`${spec.label}: ${out.error}`);
    log(`  ${spec.label} FAILED: ${out.error}`);
    const tail = w.output().slice(-1500);
    if (tail) log(`  worker output tail:\n${tail}`);
  } finally {
    rss.stop();
    unWorker();
    await w.stop('SIGINT', 20_000);
    unSink();
    await sink.stop();
  }
  out.experimentMs = round(performance.now() - tExp, 0);
  ctx.all.push(out);
  if (out.ok) {
    const c = out.cpuSecondsInWindow!;
    log(
      `  ${spec.label.padEnd(28)} N=${String(spec.n).padStart(3)}: dispatch ${fmt(out.dispatchMs! / 1000, 2)} s, ${fmt(out.mailsPerSec!, 0)} mails/s, ${fmt(out.workflowTasksPerSec!, 0)} WFT/s, RSS peak ${fmt(out.workerPeakRssMiB!, 0)} MiB (starting ${fmt(out.startPhasePeakRssMiB!, 0)}, dispatch ${fmt(out.dispatchPeakRssMiB!, 0)}); CPU s worker ${c.worker} server ${c.server} bench ${c.benchProcess} (${fmt(c.utilisationOf2Cores * 100, 0)}% of cores); experiment ${fmt(out.experimentMs / 1000, 1)} s`,
    );
  }
  return out;
}

function addresses(v: unknown): string[] {
  if (!v) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.flatMap((x: { value?: { address?: string }[] }) => (x.value ?? []).map((a) => a.address ?? '')).filter(Boolean);
}
