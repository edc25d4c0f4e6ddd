/**
 * Baseline workflows for the benchmarks: the same side effects as the
 * supervision cycle (timers, activities, continue-as-new, e-mails) with no
 * domain logic at all. Bundled on their own (bench/main.ts bundles this file),
 * so they share nothing with the product bundle.
 */
import { ApplicationFailure, condition, continueAsNew, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import type { createBaselineActivities } from './baselineActivities';

/**
 * One step of a derived script: a timer of this many ms, this many activities scheduled together, or this many
 * updates received. `mailRefs` name, per activity, the e-mails the real run's activity sent (the bench's activity
 * looks them up, so the script stays small); an empty ref is an activity that sends none. `local`: the real run
 * ran them as local activities, so the baseline does too.
 */
export type BaselineStep = { sleepMs: number } | { acts: number; mailRefs?: string[]; local?: boolean } | { updates: number };

export interface BaselineYearInput {
  /** One step list per continue-as-new run of the real plan-year, derived from its history. */
  runs: BaselineStep[][];
  run?: number;
}

/** The k-th update of the plan-year (0-based): a no-op, taken by the run it belongs to. */
export const pokeUpdate = defineUpdate<number, [number]>('poke');

/** Updates before run `run` in the script (their numbers start there). */
function updatesBefore(runs: BaselineStep[][], run: number): number {
  let n = 0;
  for (let r = 0; r < run; r++) for (const s of runs[r]) if ('updates' in s) n += s.updates;
  return n;
}

function fail(k: number): never {
  throw ApplicationFailure.nonRetryable(`update ${k} belongs to another run`, 'OtherRun');
}

type BaselineActivities = ReturnType<typeof createBaselineActivities>;
/** Every baseline activity, as an activity or as a local one, with the same options. */
const actOptions = { startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumAttempts: 5 } } as const;
const remoteActs = proxyActivities<BaselineActivities>(actOptions);
const localActs = proxyLocalActivities<BaselineActivities>(actOptions);

/**
 * Sleeps through the same sequence of wake-ups as a real plan-year, calls an
 * activity as many times (in the same groups, sending the same e-mails), takes
 * the same updates and continues-as-new at the same points.
 */
export async function baselineYear(input: BaselineYearInput): Promise<number> {
  const run = input.run ?? 0;
  // This run takes updates first..last-1; the driver sends each step's updates once the step's time has come
  // (as the real driver does), and the run waits at the step until they are in.
  const first = updatesBefore(input.runs, run);
  const last = updatesBefore(input.runs, run + 1);
  let open = first;
  let received = first;
  setHandler(pokeUpdate, (k) => (received++, k), { validator: (k) => void (k < first || k >= last ? fail(k) : undefined) });
  for (const step of input.runs[run] ?? []) {
    if ('sleepMs' in step) await sleep(Math.max(1, step.sleepMs));
    else if ('updates' in step) {
      open += step.updates;
      await condition(() => received >= open);
    } else {
      const acts = step.local ? localActs : remoteActs;
      await Promise.all(Array.from({ length: step.acts }, (_, i) => (step.mailRefs?.[i] ? acts.sendScriptedMails(step.mailRefs[i]) : acts.noop())));
    }
  }
  if (run + 1 < input.runs.length) await continueAsNew<typeof baselineYear>({ runs: input.runs, run: run + 1 });
  return run + 1;
}

export interface BaselineMail {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
}

type FloorInput = { delayMs: number; mails: BaselineMail[]; tag: string };

async function floor(input: FloorInput, acts: typeof remoteActs): Promise<number> {
  if (input.delayMs > 0) await sleep(input.delayMs);
  return await acts.sendMailsInOne(input.mails.map((m, i) => ({ ...m, key: `${input.tag}/${i}` })));
}

/**
 * The dispatch floor: a trivial workflow that sleeps until the common instant, then sends the cycle's
 * e-mails in one activity (as the cycle does), with no domain logic, ledger or report.
 */
export async function mailFloor(input: FloorInput): Promise<number> {
  return floor(input, remoteActs);
}

/** The floor with the e-mails sent in one local activity, as the cycle sends them since "local-mail-delivery". */
export async function mailFloorLocal(input: FloorInput): Promise<number> {
  return floor(input, localActs);
}

/** Sleep until the common instant, then send each e-mail with its own activity. */
export async function mailBaseline(input: FloorInput): Promise<number> {
  if (input.delayMs > 0) await sleep(input.delayMs);
  await Promise.all(input.mails.map((m, i) => remoteActs.sendOneMail({ ...m, key: `${input.tag}/${i}` })));
  return input.mails.length;
}
