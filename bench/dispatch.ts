/**
 * 2. dispatch: N cycles (BENCH_N) at the December month-end on a private dev server, beside the
 * baseline that sends the same e-mails with one activity each; then the profile and the tuning runs
 * (bench/tuning.ts) and last the memory goal at 2,000 cycles (bench/memoryAtScale.ts), on the same server.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadPlan } from '../client/planLoader';
import { calendarOf, monthTimetable } from '../domain/calendar';
import { freePort, startDevServer } from '../infra/devServer';
import { SEED_PLAN_PATH } from '../infra/paths';
import { requireProvisioned } from '../infra/provision';
import { CONFIG, left, log, want } from './config';
import { startPgCluster, type PgCluster } from '../infra/postgres';
import { runDispatch } from './dispatchRun';
import type { DispatchContext, DispatchResult } from './dispatchTypes';
import { checkContention, fmt, results, row, warnings } from './report';
import { memorySection, memorySectionMs } from './memoryAtScale';
import { profileSection, tuningSection } from './tuning';
import { memoryMiB, onCleanup, round } from './util';

async function withDevServer<T>(dir: string, fn: (ctx: DispatchContext) => Promise<T>): Promise<T> {
  const port = await freePort();
  const server = await startDevServer({ dbFile: path.join(dir, 'temporal.sqlite'), port, server: requireProvisioned('dev'), logFile: path.join(dir, 'server.log') });
  const unServer = onCleanup('dev server', () => server.stop());
  const connection = await Connection.connect({ address: server.address });
  const unConn = onCleanup('client connection', () => connection.close());
  const client = new Client({ connection, namespace: 'default' });
  const plan2026 = loadPlan(SEED_PLAN_PATH, { year: 2026 });
  const dispatchPlanMs = monthTimetable(plan2026, 12, calendarOf(plan2026)).dispatchAt;
  // A durable PostgreSQL (fsync on), started only if a variant asks for one.
  let pg: Promise<PgCluster> | undefined;
  let dbs = 0;
  const pgDatabase = async () => {
    pg ??= startPgCluster({ durable: true });
    return (await pg).createDatabase(`bench${++dbs}`);
  };
  try {
    return await fn({ server, client, dir, plan2026, dispatchPlanMs, mailsPerCycle: 4, all: [], pgDatabase });
  } finally {
    if (pg) (await pg).stop();
    unConn();
    await connection.close().catch(() => undefined);
    unServer();
    await server.stop();
  }
}

export function dispatchRows(section: string, real: DispatchResult, base: DispatchResult | undefined, first?: DispatchResult) {
  if (!real.ok) {
    row(section, `N=${real.n} ${real.label}`, 'FAILED', '', NaN, real.error);
    return;
  }
  const b = base?.ok ? base : undefined;
  const n = real.n;
  row(section, `N=${n}: first dispatch timer → last of ${real.mails} e-mails`, `${fmt(real.dispatchMs! / 1000, 2)} s`, b ? `${fmt(b.dispatchMs! / 1000, 2)} s` : 'n/a', b ? real.dispatchMs! / b.dispatchMs! : NaN, first && first !== real ? `${fmt(real.dispatchMs! / n, 1)} ms/cycle; ${fmt(real.dispatchMs! / first.dispatchMs!, 2)}x the N=${first.n} time for ${fmt(n / first.n, 1)}x the cycles` : `${fmt(real.dispatchMs! / n, 1)} ms/cycle`);
  row(section, `N=${n}: e-mails per second`, fmt(real.mailsPerSec!, 1), b ? fmt(b.mailsPerSec!, 1) : 'n/a', b ? real.mailsPerSec! / b.mailsPerSec! : NaN);
  row(section, `N=${n}: workflow tasks per second (in window)`, `${fmt(real.workflowTasksPerSec!, 1)} (${real.workflowTasksInWindow})`, b ? `${fmt(b.workflowTasksPerSec!, 1)} (${b.workflowTasksInWindow})` : 'n/a', b ? real.workflowTasksPerSec! / b.workflowTasksPerSec! : NaN, `${real.workflowTasksPerCycleAfterDispatch} WFT/cycle after the instant (baseline ${b?.workflowTasksPerCycleAfterDispatch ?? 'n/a'})`);
  row(section, `N=${n}: worker peak RSS (sampled / VmHWM)`, `${fmt(real.workerPeakRssMiB!, 0)} / ${fmt(real.workerVmHwmMiB!, 0)} MiB`, b ? `${fmt(b.workerPeakRssMiB!, 0)} / ${fmt(b.workerVmHwmMiB!, 0)} MiB` : 'n/a', b ? real.workerPeakRssMiB! / b.workerPeakRssMiB! : NaN, `peak while starting the cycles ${fmt(real.startPhasePeakRssMiB!, 0)} MiB, then to the last e-mail ${fmt(real.dispatchPeakRssMiB!, 0)} MiB`);
  const c = real.cpuSecondsInWindow!;
  const bc = b?.cpuSecondsInWindow;
  row(section, `N=${n}: start phase, CPU per started workflow: worker / server`, `${real.startPhaseCpuMsPerCycle!.worker} / ${real.startPhaseCpuMsPerCycle!.server} ms`, b ? `${b.startPhaseCpuMsPerCycle!.worker} / ${b.startPhaseCpuMsPerCycle!.server} ms` : 'n/a', b ? real.startPhaseCpuMsPerCycle!.worker / b.startPhaseCpuMsPerCycle!.worker : NaN, 'ratio of the worker CPU; a cycle pays this again at every monthly continue-as-new');
  const cp = real.criticalPath ?? {};
  const bcp = b?.criticalPath ?? {};
  const cpText = (c: Record<string, { median: number }>) =>
    `WFT ${c['WFT queue (scheduled→started)']?.median}+${c['WFT run (started→completed)']?.median} / ${
      Number.isFinite(c['activity queue (max)']?.median) ? `act queue ${c['activity queue (max)']!.median} / act run ${c['activity run (max)']?.median}` : 'local activity, in the WFT'
    } / total ${c['timer fired → last activity completed']?.median}`;
  row(section, `N=${n}: per cycle from its timer, median ms: WFT queue+run / activity queue / activity run / total`, cpText(cp), b ? cpText(bcp) : 'n/a', NaN, `p90 total ${cp['timer fired → last activity completed']?.p90} ms (baseline ${bcp['timer fired → last activity completed']?.p90 ?? 'n/a'}); timers fired ${real.instantMs!.firstFire}…${real.instantMs!.lastFire} ms after the planned instant`);
  row(section, `N=${n}: CPU s in window worker / server / sink+client`, `${c.worker} / ${c.server} / ${c.benchProcess}`, bc ? `${bc.worker} / ${bc.server} / ${bc.benchProcess}` : 'n/a', bc ? c.total / bc.total : NaN, `${fmt(c.utilisationOf2Cores * 100, 0)}% of ${os.cpus().length} cores busy (baseline ${bc ? fmt(bc.utilisationOf2Cores * 100, 0) : 'n/a'}%)`);
}

export async function dispatchBench(dir: string) {
  let largest: DispatchResult | undefined;
  // The memory section runs last, its time kept back by the budget from the optional runs before it.
  const reserve = want('memory') ? memorySectionMs() : 0;
  if (want('dispatch') || want('profile') || want('tuning')) await withDevServer(path.join(dir, 'dev'), async (ctx) => {
    log('  warm-up: 10 cycles (not reported; also captures the e-mails the baseline sends)');
    const warm = await runDispatch(ctx, { label: 'warm-up', mode: 'cycle', n: 10 });
    if (!ctx.mailTemplates) throw new Error(`the warm-up dispatch did not deliver its e-mails: ${warm.error ?? ''}`);
    const scale = want('dispatch') ? await scaleSection(ctx) : [];
    const before = scale.find((s) => s.n === CONFIG.tuningN && s.real.ok)?.real;
    largest = [...scale].reverse().find((s) => s.real.ok)?.real;
    if (want('profile')) await profileSection(ctx, reserve);
    if (want('tuning')) await tuningSection(ctx, before, reserve);
    results.dispatch = {
      dispatchInstantPlanClock: new Date(ctx.dispatchPlanMs).toISOString(),
      mailsPerCycle: ctx.mailsPerCycle,
      leadMs: `${CONFIG.leadBaseMs} + N*${CONFIG.leadPerCycleMs}`,
      devServerPid: ctx.server.pid,
      devServerVmHwmMiB: ctx.server.pid ? round(memoryMiB(ctx.server.pid).hwm, 0) : undefined,
      scale: scale.map((s) => ({ n: s.n, cycle: s.real, baseline: s.base, localFloor: s.local })),
      all: ctx.all,
    };
  });
  // On a server of its own, so that what it finds does not depend on which runs came before it (BENCH_ONLY=memory
  // measures what a full run does), and its 10,000 cycles never reach the tuning runs' server. The bounded worker asks
  // the server for an evicted cycle's history once per cycle, which a fuller server may answer more slowly.
  if (want('memory')) {
    await withDevServer(path.join(dir, 'dev-memory'), async (ctx) => {
      await runDispatch(ctx, { label: 'warm-up (memory server)', mode: 'cycle', n: 10 });
      await memorySection(ctx, largest);
    });
  }
}

/** The cycle against a floor that sends its mails the way the cycle now does, in a local activity. */
function localFloorRow(section: string, real: DispatchResult, local: DispatchResult) {
  const n = real.n;
  row(
    section,
    `N=${n}: against the local-activity floor: dispatch time / e-mails per second`,
    `${fmt(real.dispatchMs! / 1000, 2)} s / ${fmt(real.mailsPerSec!, 1)}`,
    `${fmt(local.dispatchMs! / 1000, 2)} s / ${fmt(local.mailsPerSec!, 1)}`,
    real.dispatchMs! / local.dispatchMs!,
    `ratio of the times; the local floor's worker RSS ${fmt(local.workerPeakRssMiB!, 0)} MiB, CPU s worker / server ${local.cpuSecondsInWindow!.worker} / ${local.cpuSecondsInWindow!.server}`,
  );
}

type ScaleRow = { n: number; real: DispatchResult; base?: DispatchResult; local?: DispatchResult };

async function scaleSection(ctx: DispatchContext): Promise<ScaleRow[]> {
  const scale: ScaleRow[] = [];
  const sorted = [...CONFIG.ns].sort((a, b) => a - b);
  let prevCycle: DispatchResult | undefined;
  {
    checkContention('dispatch');
    for (const n of sorted) {
      if (prevCycle && prevCycle.experimentMs > CONFIG.skipAfterMs) {
        warnings.push(`dispatch: N=${n} skipped: N=${prevCycle.n} took ${fmt(prevCycle.experimentMs / 1000, 0)} s (over ${CONFIG.skipAfterMs / 1000} s)`);
        continue;
      }
      const estimate = prevCycle ? (prevCycle.experimentMs / prevCycle.n) * n * 2.2 : 60_000;
      if (prevCycle && estimate > left()) {
        warnings.push(`dispatch: N=${n} skipped to stay within the time budget (estimated ${fmt(estimate / 1000, 0)} s, ${fmt(left() / 1000, 0)} s left)`);
        continue;
      }
      const real = await runDispatch(ctx, { label: 'cycle (product defaults)', mode: 'cycle', n });
      const base = await runDispatch(ctx, { label: 'floor (1 activity/cycle)', mode: 'floor', n });
      const local = await runDispatch(ctx, { label: 'floor, local (1 local activity/cycle)', mode: 'localFloor', n });
      scale.push({ n, real, base, local });
      prevCycle = real;
    }
    const firstOk = scale.find((s) => s.real.ok)?.real;
    for (const s of scale) {
      dispatchRows('2 dispatch', s.real, s.base, firstOk);
      if (s.real.ok && s.local?.ok) localFloorRow('2 dispatch', s.real, s.local);
    }
    const okScale = scale.filter((s) => s.real.ok && s.base?.ok);
    if (okScale.length > 1) {
      const per = (r: DispatchResult) => r.dispatchMs! / r.n;
      const cpuPer = (r: DispatchResult) => (r.cpuSecondsInWindow!.total * 1000) / r.n;
      const ns = okScale.map((s) => s.n).join(' / ');
      const last = okScale[okScale.length - 1];
      row(
        '2 dispatch',
        `growth with N (${ns}): dispatch ms per cycle`,
        okScale.map((s) => fmt(per(s.real), 1)).join(' / '),
        okScale.map((s) => fmt(per(s.base!), 1)).join(' / '),
        per(last.real) / per(last.base!),
        `CPU ms per cycle (worker+server+sink): ${okScale.map((s) => fmt(cpuPer(s.real), 0)).join(' / ')} (baseline ${okScale.map((s) => fmt(cpuPer(s.base!), 0)).join(' / ')}); worker RSS peak ${okScale.map((s) => fmt(s.real.workerPeakRssMiB!, 0)).join(' / ')} MiB`,
      );
    }
  }
  return scale;
}
