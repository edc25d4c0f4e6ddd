/** Reading a plan-year's histories: the script the baseline workflow replays, and the events against the minimum. */
import type { BaselineMailInput } from './baselineActivities';
import type { BaselineStep } from './baselineWorkflows';
import { countByType, median, ratio, tsMs, type HistoryEvent } from './util';

/**
 * The script the baseline plays: per run, its timers (with how long each actually lasted), activity groups and
 * updates in order; `mails` holds what each of the real run's mail activities sent, under the ref the script names.
 */
export function deriveScript(runs: HistoryEvent[][]): { script: BaselineStep[][]; mails: Map<string, BaselineMailInput[]> } {
  const mails = new Map<string, BaselineMailInput[]>();
  const script = runs.map((events, run) => {
    const steps: BaselineStep[] = [];
    const timers = new Map<string, { step: { sleepMs: number }; at: number }>();
    let lastWft: string | undefined;
    for (const e of events) {
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
        const wft = String(as.workflowTaskCompletedEventId);
        const data = as.activityType?.name === 'sendMails' ? as.input?.payloads?.[0]?.data : undefined;
        const ref = data ? `run${run}/event${String(e.eventId)}` : '';
        if (data) mails.set(ref, (JSON.parse(Buffer.from(data).toString('utf8')) as BaselineMailInput[]).map(({ key, to, cc, subject, text, html }) => ({ key, to, cc, subject, text, html })));
        const last = steps[steps.length - 1];
        if (last && 'acts' in last && lastWft === wft) {
          last.acts++;
          last.mailRefs = [...(last.mailRefs ?? []), ref];
        } else steps.push({ acts: 1, mailRefs: [ref] });
        lastWft = wft;
      }
    }
    return steps;
  });
  return { script, mails };
}

/** Side effects of a chain of runs and the fewest events they need. */
export function eventAccounting(runs: HistoryEvent[][]) {
  let timers = 0;
  let activities = 0;
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
      if (e.workflowTaskCompletedEventAttributes) wftCompleted++;
      if (e.workflowExecutionUpdateAcceptedEventAttributes) updates++;
    }
  }
  const perRun = runs.map((r) => r.length);
  const total = perRun.reduce((a, b) => a + b, 0);
  // Fewest workflow tasks: one to start each run, one to react to each timer and to each group of activity results.
  const wftMin = runs.length + timers + activityGroups;
  // 2 per run (started, completed/continued-as-new), 3 per activity, 2 per timer, 3 per workflow task.
  const minimum = 2 * runs.length + 3 * activities + 2 * timers + 3 * wftMin;
  return {
    runs: runs.length,
    totalEvents: total,
    perRunMax: Math.max(...perRun),
    perRunMedian: median(perRun),
    perRun,
    timers,
    activities,
    activityGroups,
    updates,
    workflowTasksCompleted: wftCompleted,
    workflowTasksMinimum: wftMin,
    minimumEvents: minimum,
    actualOverMinimum: ratio(total, minimum),
    byType: countByType(runs),
  };
}
