/**
 * The supervision cycle: one workflow per unit-plan-year. It holds the state,
 * sleeps until the next thing is due, sends what the domain's state machine
 * asks for through activities, and takes reports, approvals and triggers as
 * Updates. It continues-as-new with compact JSON state so no run's history
 * grows large.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { createActivities } from '../activities';
import {
  appraisalTriggerSchema,
  closeCheckSchema,
  parsePayload,
  Rejection,
  reportSubmissionSchema,
  reviewCommentSchema,
  reviewDecisionSchema,
  verificationSchema,
} from '../domain/actions';
import { advance, initialState, isFinished, nextWakeAt, type CycleState, type MailIntent } from '../domain/cycle';
import {
  applyComment,
  applyCloseCheck,
  applyReview,
  applySubmission,
  applyTrigger,
  applyVerification,
  checkCloseCheck,
  checkComment,
  checkReview,
  checkSubmission,
  checkTrigger,
  checkVerification,
} from '../domain/handlers';
import { composeMail, mailKey } from '../domain/mail';
import { checkPlanRules, formatPath, planSchema, type Plan } from '../domain/plan';
import type { Appraisal } from '../domain/scoring';
import { cycleView, lateOffices } from '../domain/view';
import {
  appraisalQuery,
  auditQuery,
  closeCheckUpdate,
  commentReviewUpdate,
  reviewReportUpdate,
  planQuery,
  stateQuery,
  statusQuery,
  submitReportUpdate,
  triggerAppraisalUpdate,
  verifyValuesUpdate,
} from './messages';

export interface CycleOptions {
  /** Run the plan's year from this instant on the plan clock (simulations of a past or future year). */
  simulatedStart?: string;
  /** Continue-as-new once a run's history passes this many events (test hook: set it low). */
  maxHistoryEvents?: number;
  /** Continue-as-new after each month-end dispatch (default true). */
  continueAsNewEachMonth?: boolean;
  /** Upsert the Cycle* search attributes (the dev server registers them; the time-skipping server does not). */
  searchAttributes?: boolean;
}

export interface CycleInput {
  plan: Plan;
  /** Carried across continue-as-new; absent on the first run. */
  state?: CycleState;
  options?: CycleOptions;
}

export interface CycleResult {
  workflowId: string;
  appraisal: Appraisal;
  reportFiles: string[];
}

const { sendMail } = proxyActivities<ReturnType<typeof createActivities>>({
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

/** One activity per event's batch of mail (patch "batched-mail-delivery"): fewer events and workflow tasks. */
const { sendMails } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 minutes',
    nonRetryableErrorTypes: ['InvalidMessage'],
  },
});

const { writeAppraisalReport } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', nonRetryableErrorTypes: ['InvalidReportInput'] },
});

const SA = {
  unit: defineSearchAttributeKey('CycleUnit', SearchAttributeType.KEYWORD),
  year: defineSearchAttributeKey('CycleYear', SearchAttributeType.INT),
  phase: defineSearchAttributeKey('CyclePhase', SearchAttributeType.KEYWORD),
  next: defineSearchAttributeKey('CycleNextEvent', SearchAttributeType.DATETIME),
  late: defineSearchAttributeKey('CycleLateOffices', SearchAttributeType.KEYWORD_LIST),
};

/** Turn a domain rejection into a failure the caller sees with its stable code. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Rejection) throw ApplicationFailure.create({ type: e.code, message: e.message, nonRetryable: true });
    throw e;
  }
}

export async function supervisionCycle(input: CycleInput): Promise<CycleResult> {
  const plan = input.plan;
  const options: Required<Omit<CycleOptions, 'simulatedStart'>> & Pick<CycleOptions, 'simulatedStart'> = {
    maxHistoryEvents: 5000,
    continueAsNewEachMonth: true,
    searchAttributes: false,
    ...input.options,
  };
  const info = workflowInfo();
  if (!input.state) {
    // A plan that did not come through the plan loader is checked here too: a bad one fails the start, clearly.
    const parsed = planSchema.safeParse(plan);
    const issues = parsed.success ? checkPlanRules(parsed.data) : parsed.error.issues.map((i) => ({ path: i.path, message: i.message }));
    if (issues.length) {
      throw ApplicationFailure.create({ type: 'InvalidPlan', nonRetryable: true, message: `the plan is invalid: ${issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}` });
    }
  }
  const state: CycleState =
    input.state ??
    (() => {
      const offset = options.simulatedStart ? Date.parse(options.simulatedStart) - Date.now() : 0;
      return initialState(plan, info.workflowId, Date.now() + offset, offset);
    })();
  const planNow = () => Date.now() + state.clockOffsetMs;
  let dirty = false;
  const touched = <T>(r: T): T => {
    dirty = true;
    return r;
  };

  setHandler(submitReportUpdate, (raw) => guard(() => touched(applySubmission(plan, state, parsePayload(reportSubmissionSchema, raw, 'report'), planNow()))), {
    validator: (raw) => guard(() => void checkSubmission(plan, state, parsePayload(reportSubmissionSchema, raw, 'report'))),
  });
  setHandler(reviewReportUpdate, (raw) => guard(() => touched(applyReview(plan, state, parsePayload(reviewDecisionSchema, raw, 'review'), planNow()))), {
    validator: (raw) => guard(() => void checkReview(plan, state, parsePayload(reviewDecisionSchema, raw, 'review'))),
  });
  setHandler(closeCheckUpdate, (raw) => guard(() => touched(applyCloseCheck(plan, state, parsePayload(closeCheckSchema, raw, 'close-check'), planNow()))), {
    validator: (raw) => guard(() => void checkCloseCheck(plan, state, parsePayload(closeCheckSchema, raw, 'close-check'))),
  });
  setHandler(
    commentReviewUpdate,
    (raw) =>
      guard(() => {
        applyComment(plan, state, parsePayload(reviewCommentSchema, raw, 'comment'), planNow());
        return touched({ recorded: true as const });
      }),
    { validator: (raw) => guard(() => checkComment(plan, state, parsePayload(reviewCommentSchema, raw, 'comment'))) },
  );
  setHandler(
    verifyValuesUpdate,
    (raw) =>
      guard(() => {
        const v = parsePayload(verificationSchema, raw, 'verification');
        applyVerification(plan, state, v, planNow());
        return touched({ recorded: v.values.length });
      }),
    { validator: (raw) => guard(() => checkVerification(plan, state, parsePayload(verificationSchema, raw, 'verification'))) },
  );
  setHandler(
    triggerAppraisalUpdate,
    (raw) =>
      guard(() => {
        const t = parsePayload(appraisalTriggerSchema, raw, 'appraisal trigger');
        applyTrigger(plan, state, t, planNow());
        return touched({ requested: t.action });
      }),
    { validator: (raw) => guard(() => checkTrigger(plan, state, parsePayload(appraisalTriggerSchema, raw, 'appraisal trigger'))) },
  );
  setHandler(statusQuery, () => cycleView(plan, state, planNow()));
  setHandler(auditQuery, () => state.audit);
  setHandler(appraisalQuery, () => state.appraisal?.result ?? null);
  setHandler(stateQuery, () => state);
  setHandler(planQuery, () => plan);

  let lastSearchAttributes = '';
  const publishSearchAttributes = () => {
    if (!options.searchAttributes) return;
    // Only what the attributes need: the full view also scores the plan twice.
    const late = lateOffices(plan, state, planNow());
    const next = nextWakeAt(plan, state);
    const key = JSON.stringify([state.phase, late, next]);
    if (key === lastSearchAttributes) return;
    lastSearchAttributes = key;
    upsertSearchAttributes([
      { key: SA.unit, value: plan.unit.id },
      { key: SA.year, value: plan.year },
      { key: SA.phase, value: state.phase },
      { key: SA.late, value: late },
      // null clears it: a finished cycle has no next event.
      { key: SA.next, value: next === undefined ? null : new Date(next - state.clockOffsetMs) },
    ]);
  };

  const recordFailure = (intent: MailIntent, error: string) => {
    const key = mailKey(state.workflowId, intent);
    state.failures.push({ key, at: planNow(), error });
    if (intent.kind !== 'deliveryFailure') state.pendingFailureNotices.push({ key, error });
  };

  /** Send every intent; a permanently rejected message is recorded and the leader told, never retried. */
  const compose = (intent: MailIntent) => {
    const attachments = intent.kind === 'appraisal' && intent.officeId === 'group' ? (state.appraisal?.reportFiles ?? []).map((p) => ({ filename: p.split('/').pop() as string, path: p })) : [];
    return composeMail(plan, state, intent, attachments);
  };
  const deliver = async (intents: MailIntent[]) => {
    if (patched('batched-mail-delivery')) {
      const results = await sendMails(intents.map(compose));
      results.forEach((r, i) => {
        if (r.status === 'refused') recordFailure(intents[i], r.error ?? 'refused by the mail server');
        else if (r.rejected.length) recordFailure(intents[i], `the mail server refused ${r.rejected.join(', ')}`);
      });
      return;
    }
    // Before the patch: one activity per message (cycles started on the old code replay through here).
    await Promise.all(
      intents.map(async (intent) => {
        const message = compose(intent);
        try {
          const sent = await sendMail(message);
          if (sent.rejected.length) recordFailure(intent, `the mail server refused ${sent.rejected.join(', ')}`);
        } catch (err) {
          if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) {
            recordFailure(intent, err.cause.message);
            return;
          }
          throw err;
        }
      }),
    );
  };

  const runStartMonth = state.nextMonth;
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    workflowInfo().historyLength > options.maxHistoryEvents ||
    (options.continueAsNewEachMonth && state.nextMonth > runStartMonth && state.phase === 'running');

  for (;;) {
    dirty = false;
    const intents = advance(plan, state, planNow());
    if (intents.length) await deliver(intents);
    const a = state.appraisal;
    if (state.phase === 'appraised' && a?.result && !a.reportFiles) {
      const written = await writeAppraisalReport({ plan, state, generatedAt: planNow() });
      a.reportFiles = written.files;
      continue;
    }
    if (isFinished(state)) break;
    publishSearchAttributes();
    if (shouldContinueAsNew() && !dirty) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof supervisionCycle>({ plan, state, options: input.options });
    }
    if (dirty) continue;
    const wake = nextWakeAt(plan, state);
    if (wake === undefined) await condition(() => dirty);
    else {
      const ms = wake - planNow();
      if (ms > 0) await condition(() => dirty, ms);
      else if (!intents.length) {
        // Something is due that advance() did not take: never spin; look again in a minute.
        log.warn('cycle: an event is due but produced nothing; retrying in a minute', { wake, now: planNow() });
        await condition(() => dirty, 60_000);
      }
    }
  }
  publishSearchAttributes();
  await condition(allHandlersFinished);
  return { workflowId: state.workflowId, appraisal: state.appraisal!.result!, reportFiles: state.appraisal!.reportFiles ?? [] };
}
