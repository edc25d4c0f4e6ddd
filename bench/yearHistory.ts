/** Reading a plan-year's histories: the script the baseline workflow replays, and the events against the minimum. */
import type { BaselineMailInput } from './baselineActivities';
import type { BaselineStep } from './baselineWorkflows';
import { countByType, median, ratio, tsMs, type HistoryEvent } from './util';

type Attrs = NonNullable<HistoryEvent['markerRecordedEventAttributes']>;

/** A local activity's record in the history: its type and decoded result, or undefined for any other event. */
export function localActivity(e: HistoryEvent): { type: string; result: unknown } | undefined {
  const m: Attrs | null | undefined = e.markerRecordedEventAttributes;
  if (m?.markerName !== 'core_local_activity') return undefined;
  const json = (k: string) => {
    const data = m.details?.[k]?.payloads?.[0]?.data;
    return data ? JSON.parse(Buffer.from(data).toString('utf8')) : undefined;
  };
  return { type: String(json('data')?.activity_type ?? ''), result: json('result') };
}

/**
 * The script the baseline plays: per run, its timers (with how long each actually lasted), activity groups and
 * updates in order; `mails` holds what each of the real run's mail activities sent, under the ref the script names.
 * An activity's mails come from its input; a local activity's input is not in the history, so its mails are looked
 * up by the keys in its result among `sentByKey` (what the real run's transport sent).
 */
export function deriveScript(runs: HistoryEvent[][], sentByKey = new Map<string, BaselineMailInput>()): { script: BaselineStep[][]; mails: Map<string, BaselineMailInput[]> } {
  const mails = new Map<string, BaselineMailInput[]>();
  const script = runs.map((events, run) => {
    const steps: BaselineStep[] = [];
    const timers = new Map<string, { step: { sleepMs: number }; at: number }>();
    let lastWft: string | undefined;
    let wftCompleted = '';
    const act = (wft: string, local: boolean, ref: string) => {
      const last = steps[steps.length - 1];
      if (last && 'acts' in last && lastWft === wft && !!last.local === local) {
        last.acts++;
        last.mailRefs = [...(last.mailRefs ?? []), ref];
      } else steps.push(local ? { acts: 1, mailRefs: [ref], local } : { acts: 1, mailRefs: [ref] });
      lastWft = wft;
    };
    for (const e of events) {
      if (e.workflowTaskCompletedEventAttributes) wftCompleted = String(e.eventId);
      const ts = e.timerStartedEventAttributes;
      if (ts) {
        const d = ts.startToFireTimeout;
        const step = { sleepMs: Math.max(1, Math.round(tsMs(d as { seconds?: unknown; nanos?: number }))) };
        steps.push(step);
        timers.set(String(ts.timerId), { step, at: tsMs(e.eventTime) });
        lastWft = undefined;
      }
      const tc = e.timerCanceledEventAttributes;
      if (tc) {
        const t = timers.get(String(tc.timerId));
        // Cancelled by an update: the baseline sleeps as long as the real timer actually ran.
        if (t) t.step.sleepMs = Math.max(1, Math.round(tsMs(e.eventTime) - t.at));
      }
      if (e.workflowExecutionUpdateAcceptedEventAttributes) {
        const last = steps[steps.length - 1];
        if (last && 'updates' in last) last.updates++;
        else steps.push({ updates: 1 });
        lastWft = undefined;
      }
      const as = e.activityTaskScheduledEventAttributes;
      if (as) {
        const data = as.activityType?.name === 'sendMails' ? as.input?.payloads?.[0]?.data : undefined;
        const ref = data ? `run${run}/event${String(e.eventId)}` : '';
        if (data) mails.set(ref, (JSON.parse(Buffer.from(data).toString('utf8')) as BaselineMailInput[]).map(({ key, to, cc, subject, text, html }) => ({ key, to, cc, subject, text, html })));
        act(String(as.workflowTaskCompletedEventId), false, ref);
      }
      const la = localActivity(e);
      if (la) {
        // A marker of a failed attempt (a back-off handed to a timer) carries no result.
        const sent = la.type === 'sendMails' && Array.isArray(la.result) ? (la.result as { key: string; status: string }[]) : [];
        const keys = sent.filter((r) => r.status === 'sent').map((r) => r.key);
        const ref = keys.length ? `run${run}/event${String(e.eventId)}` : '';
        if (ref) mails.set(ref, keys.map((k) => sentByKey.get(k) ?? missing(k)));
        act(wftCompleted, true, ref);
      }
    }
    return steps;
  });
  return { script, mails };
}

function missing(key: string): never {
  throw new Error(`the plan-year's local activity sent ${key}, but the recording transport did not see it`);
}

/** Side effects of a chain of runs and the fewest events they need. */
export function eventAccounting(runs: HistoryEvent[][]) {
  let timers = 0;
  let activities = 0;
  let localActivities = 0;
  let activityGroups = 0;
  let wftCompleted = 0;
  let updates = 0;
  for (const events of runs) {
    let lastWft: string | undefined;
    for (const e of events) {
      if (e.timerStartedEventAttributes) timers++;
      if (e.activityTaskScheduledEventAttributes) {
        activities++;
        const wft = String(e.activityTaskScheduledEventAttributes.workflowTaskCompletedEventId);
        if (wft !== lastWft) activityGroups++;
        lastWft = wft;
      }
      if (localActivity(e)) localActivities++;
      if (e.workflowTaskCompletedEventAttributes) wftCompleted++;
      if (e.workflowExecutionUpdateAcceptedEventAttributes) updates++;
    }
  }
  const perRun = runs.map((r) => r.length);
  const total = perRun.reduce((a, b) => a + b, 0);
  // Fewest workflow tasks: one to start each run, one to react to each timer and to each group of activity results
  // (a local activity's result comes back within the task that ran it).
  const wftMin = runs.length + timers + activityGroups;
  // 2 per run (started, completed/continued-as-new), 3 per activity, 1 per local activity (its marker), 2 per timer,
  // 3 per workflow task.
  const minimum = 2 * runs.length + 3 * activities + localActivities + 2 * timers + 3 * wftMin;
  return {
    runs: runs.length,
    totalEvents: total,
    perRunMax: Math.max(...perRun),
    perRunMedian: median(perRun),
    perRun,
    timers,
    activities,
    localActivities,
    activityGroups,
    updates,
    workflowTasksCompleted: wftCompleted,
    workflowTasksMinimum: wftMin,
    minimumEvents: minimum,
    actualOverMinimum: ratio(total, minimum),
    byType: countByType(runs),
  };
}
