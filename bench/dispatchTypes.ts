/** The month-end dispatch experiments: what one is asked to do, what it reports, and the per-cycle critical path. */
import type { Client } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import type { Plan } from '../domain/plan';
import type { DevServer } from '../infra/devServer';
import type { BaselineMail } from './baselineWorkflows';
import type { ProfileSummary } from './profile';
import { tsMs, type HistoryEvent } from './util';

/**
 * cycle: the product; floor: a trivial workflow sending the cycle's mails in one activity (the floor);
 * localFloor: the same with a local activity, as the cycle sends them; baseline: one activity per mail.
 */
export type DispatchMode = 'cycle' | 'floor' | 'localFloor' | 'baseline';

export interface DispatchSpec {
  label: string;
  mode: DispatchMode;
  n: number;
  tuning?: Partial<WorkerOptions>;
  smtpMax?: number;
  prebuilt?: boolean;
  cpuProf?: boolean;
  /** false: the SMTP transport without TCP_NODELAY (the product before round two). */
  smtpNoDelay?: boolean;
  /** The worker's sticky-cache size; absent: the product's; 'sdk': the SDK's own default (about 2,300 here). */
  maxCachedWorkflows?: number | 'sdk';
  /** V8's heap growth in percent (WORKER_HEAP_GROWING_PERCENT); absent: the product's; 0: V8's own. */
  heapGrowingPercent?: number;
  /** The workflow thread's heap limit in MiB (WORKER_WORKFLOW_HEAP_MIB); absent: the product's; 0: V8's own. */
  workflowHeapMiB?: number;
  /** Experiment: the sent ledger on tmpfs (/dev/shm), i.e. what its fsyncs cost (file ledger only). */
  ledgerTmpfs?: boolean;
  /** Where the sent ledger lives: the store on SQLite (the product default), on PostgreSQL, or the file ledger of earlier versions. */
  ledger?: 'sqlite' | 'postgres' | 'file';
  /** Before/after: a pre-built bundle without preloadModules (the product preloads zod, luxon, domain/ and workflows/). */
  noPreload?: boolean;
  /** Node options of the worker process, e.g. --max-old-space-size. */
  nodeOptions?: string[];
  /** glibc's MALLOC_ARENA_MAX for the worker process; absent: glibc's default, as deployed. */
  mallocArenas?: number;
}

/** The worker unbounded, as before round seven: the SDK sizes its cache (about 2,300 cycles here) and V8 its heaps. */
export function unboundedSpec(n: number, label = "unbounded: the SDK's cache size, V8's heap sizes (before round seven)"): DispatchSpec {
  return { label, mode: 'cycle', n, maxCachedWorkflows: 'sdk', heapGrowingPercent: 0, workflowHeapMiB: 0 };
}

export interface DispatchResult {
  label: string;
  mode: DispatchMode;
  n: number;
  tuning?: Partial<WorkerOptions>;
  smtpMaxConnections: number | 'default (8)';
  maxCachedWorkflows: number | 'sdk' | 'product default';
  heapGrowingPercent: number | 'product default' | 'node flags';
  workflowHeapMiB: number | 'product default' | 'node flags';
  ledger: string;
  prebuiltBundle: boolean;
  ok: boolean;
  error?: string;
  workerReadyMs?: number;
  leadMs?: number;
  startPhaseMs?: number;
  /** The planned common instant T (epoch ms) and when the dispatch timers actually fired, relative to T. */
  instantMs?: { T: number; firstFire: number; medianFire: number; lastFire: number; fireSpread: number };
  /** CPU per started workflow while the N workflows were being started (their first workflow tasks). */
  startPhaseCpuMsPerCycle?: { worker: number; server: number };
  /** T to the last e-mail (dispatchMs is from the first timer fired). */
  fromPlannedInstantMs?: number;
  startedLate?: number;
  mails?: number;
  dispatchMs?: number;
  mailLatencyMs?: { first: number; p50: number; p90: number; last: number };
  mailsPerSec?: number;
  workflowTasksInWindow?: number;
  workflowTasksPerSec?: number;
  workflowTasksPerCycleAfterDispatch?: number;
  activitiesInWindow?: number;
  workerPeakRssMiB?: number;
  /** The peak while the cycles were being started (each one's first workflow task), and from then to the last e-mail. */
  startPhasePeakRssMiB?: number;
  dispatchPeakRssMiB?: number;
  workerVmHwmMiB?: number;
  cpuSecondsInWindow?: { worker: number; server: number; benchProcess: number; total: number; utilisationOf2Cores: number };
  /** Per cycle, from its history: where the time between the dispatch instant and its e-mails went (median / p90 ms). */
  criticalPath?: Record<string, { median: number; p90: number }>;
  experimentMs: number;
  profile?: ProfileSummary[];
  /** The same profile over the start phase (N new cycles' first workflow tasks). */
  profileStartPhase?: ProfileSummary[];
}

export interface DispatchContext {
  server: DevServer;
  client: Client;
  dir: string;
  plan2026: Plan;
  dispatchPlanMs: number;
  mailTemplates?: BaselineMail[];
  mailsPerCycle: number;
  /** Every dispatch run so far, for the results file. */
  all: DispatchResult[];
  /** A fresh PostgreSQL database URL (a throwaway cluster started on first use). */
  pgDatabase?: () => Promise<string>;
}
/**
 * The chain from the dispatch timer to the last activity result in a cycle's (or baseline's) first run:
 * timer lag behind the common instant, workflow task queueing and run, activity queueing and run.
 * A local activity runs inside the workflow task: its result is the marker that task completes with.
 */
export function criticalPath(events: HistoryEvent[]): Record<string, number> {
  const at = (e: HistoryEvent | undefined) => (e ? tsMs(e.eventTime) : NaN);
  const fireIdx = events.findIndex((e) => !!e.timerFiredEventAttributes);
  if (fireIdx < 0) return {};
  const after = events.slice(fireIdx);
  const byId = new Map(events.map((e) => [String(e.eventId), e]));
  const wftSched = after.find((e) => !!e.workflowTaskScheduledEventAttributes);
  const wftStart = after.find((e) => e.workflowTaskStartedEventAttributes && String(e.workflowTaskStartedEventAttributes.scheduledEventId) === String(wftSched?.eventId));
  const wftDone = after.find((e) => e.workflowTaskCompletedEventAttributes && String(e.workflowTaskCompletedEventAttributes.scheduledEventId) === String(wftSched?.eventId));
  const acts = after.filter((e) => !!e.activityTaskScheduledEventAttributes);
  const started = after.filter((e) => !!e.activityTaskStartedEventAttributes);
  const completed = after.filter((e) => !!e.activityTaskCompletedEventAttributes);
  const queue = started.map((e) => at(e) - at(byId.get(String(e.activityTaskStartedEventAttributes!.scheduledEventId))));
  const run = completed.map((e) => at(e) - at(byId.get(String(e.activityTaskCompletedEventAttributes!.startedEventId))));
  const markers = after.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  const lastDone = Math.max(...completed.map(at), ...markers.map(at));
  const next = after.find((e) => e.workflowTaskCompletedEventAttributes && at(e) >= lastDone);
  return {
    'WFT queue (scheduled→started)': at(wftStart) - at(wftSched),
    'WFT run (started→completed)': at(wftDone) - at(wftStart),
    'activity queue (max)': queue.length ? Math.max(...queue) : NaN,
    'activity run (max)': run.length ? Math.max(...run) : NaN,
    'activities scheduled→all completed': acts.length ? lastDone - Math.min(...acts.map(at)) : NaN,
    'next WFT completed after results': at(next) - lastDone,
    'timer fired → last activity completed': lastDone - at(events[fireIdx]),
  };
}
