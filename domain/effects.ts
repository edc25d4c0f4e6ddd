/**
 * A turn of the cycle as effects the workflow performs (mail to send, the
 * appraisal report to write), and how their outcomes are recorded in the state.
 */
import { advance } from './cycle';
import type { CycleState, MailIntent } from './cycleState';
import type { Plan } from './plan';

/** What the workflow must do next: mail to send, or the appraisal report to write. */
export type Effect = { type: 'mail'; intents: MailIntent[] } | { type: 'writeReport' };

/**
 * Everything due at plan time `now`, as effects in the order the workflow
 * performs them: first the mail, then (once the appraisal is computed) the
 * report, whose files the appraisal mail then attaches.
 */
export function nextEffects(plan: Plan, state: CycleState, now: number): Effect[] {
  const intents = advance(plan, state, now);
  const effects: Effect[] = intents.length ? [{ type: 'mail', intents }] : [];
  const a = state.appraisal;
  if (state.phase === 'appraised' && a?.result && !a.reportFiles) effects.push({ type: 'writeReport' });
  return effects;
}

/** The outcome of one message: sent, or refused for good (recorded; the leader is told). */
export interface DeliveryOutcome {
  refusedError?: string;
  rejected: string[];
}

/** Record what the mail server said of each intent; permanent refusals become failures and notices to the leader. */
export function recordDelivery(state: CycleState, intents: MailIntent[], outcomes: DeliveryOutcome[], keyOf: (i: MailIntent) => string, now: number) {
  outcomes.forEach((o, i) => {
    const error = o.refusedError ?? (o.rejected.length ? `the mail server refused ${o.rejected.join(', ')}` : undefined);
    if (error === undefined) return;
    const key = keyOf(intents[i]);
    state.failures.push({ key, at: now, error });
    if (intents[i].kind !== 'deliveryFailure') state.pendingFailureNotices.push({ key, error });
  });
}

export function recordReportWritten(state: CycleState, files: string[]) {
  if (state.appraisal) state.appraisal.reportFiles = files;
}
