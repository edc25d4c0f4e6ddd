/**
 * The cycle's side effects, as activities: mail (one batch per event since
 * the patch "batched-mail-delivery"; one activity per message before it, so
 * cycles started on the old code replay) and the appraisal report.
 *
 * Since the patch "local-mail-delivery" a batch is a local activity: the worker
 * that runs the cycle's task sends it inside that task, so a month-end dispatch
 * costs the server one workflow task instead of two plus an activity task, and
 * the history keeps the batch's result, not the composed messages. A replay reads
 * that result; exactly-once still rests on the sent ledger (check, claim, send,
 * record), which an attempt that runs again (a retry, or a task lost with its
 * worker) goes through like any other.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities, proxyLocalActivities, type RetryPolicy } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { CycleState, MailIntent } from '../domain/cycle';
import { recordDelivery, recordReportWritten, type DeliveryOutcome, type Effect } from '../domain/effects';
import { composeMail, mailKey } from '../domain/mail';
import type { Plan } from '../domain/plan';
import { stickyPatched } from './patches';

type Activities = ReturnType<typeof createActivities>;

const { sendMail } = proxyActivities<Activities>({
  // Sending one message takes well under a second; a dead worker's attempt is retried after this.
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 minutes',
    // No attempt limit: an SMTP outage is waited out; a rejected address is not retried.
    nonRetryableErrorTypes: ['MailRejected', 'InvalidMessage'],
  },
});

const mailRetry: RetryPolicy = { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', nonRetryableErrorTypes: ['InvalidMessage'] };

const { sendMails } = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '30 seconds', retry: mailRetry });

// The same retry policy, so an outage is waited out as before. While a local activity runs or waits to retry,
// its workflow task stays open and holds one of the worker's task slots: only the first back-off (10 s) is
// waited inside the task; longer ones become a durable timer in the cycle's history (localRetryThreshold), and
// an attempt that hangs is cut at two minutes (the SMTP transport's own timeouts are 10-20 s per step).
const { sendMails: sendMailsLocally } = proxyLocalActivities<Activities>({ startToCloseTimeout: '2 minutes', localRetryThreshold: '15 seconds', retry: mailRetry });

const { writeAppraisalReport } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', nonRetryableErrorTypes: ['InvalidReportInput'] },
});

function compose(plan: Plan, state: CycleState, intent: MailIntent) {
  const group = intent.kind === 'appraisal' && intent.officeId === 'group';
  const attachments = group ? (state.appraisal?.reportFiles ?? []).map((p) => ({ filename: p.split('/').pop() as string, path: p })) : [];
  return composeMail(plan, state, intent, attachments);
}

async function deliver(plan: Plan, state: CycleState, intents: MailIntent[], planNow: () => number) {
  const keyOf = (i: MailIntent) => mailKey(state.workflowId, i);
  if (stickyPatched(state, 'batched-mail-delivery')) {
    const send = stickyPatched(state, 'local-mail-delivery') ? sendMailsLocally : sendMails;
    const results = await send(intents.map((i) => compose(plan, state, i)));
    const outcomes = results.map((r): DeliveryOutcome => (r.status === 'refused' ? { refusedError: r.error ?? 'refused by the mail server', rejected: [] } : { rejected: r.rejected }));
    recordDelivery(state, intents, outcomes, keyOf, planNow());
    return;
  }
  await Promise.all(
    intents.map(async (intent) => {
      let outcome: DeliveryOutcome;
      try {
        outcome = { rejected: (await sendMail(compose(plan, state, intent))).rejected };
      } catch (err) {
        if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable)) throw err;
        outcome = { refusedError: err.cause.message, rejected: [] };
      }
      recordDelivery(state, [intent], [outcome], keyOf, planNow());
    }),
  );
}

/** Perform one effect the domain asked for, and record its outcome in the state. */
export async function perform(plan: Plan, state: CycleState, effect: Effect, planNow: () => number): Promise<void> {
  if (effect.type === 'mail') return deliver(plan, state, effect.intents, planNow);
  const written = await writeAppraisalReport({ plan, state, generatedAt: planNow() });
  recordReportWritten(state, written.files);
}
