/**
 * The cycle's Update and Query handlers, registered from the domain's table
 * (domain/updates.ts). Validators are synchronous and throw to reject, so a
 * refused request never reaches history; handlers are synchronous too, so
 * continue-as-new waits only for allHandlersFinished.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { CycleState } from '../domain/cycle';
import type { Plan } from '../domain/plan';
import { Rejection } from '../domain/refusals';
import { applyUpdate, UPDATE_RULES, validateUpdate, type UpdateName, type UpdateRule } from '../domain/updates';
import { cycleView } from '../domain/view';
import {
  acknowledgeUpdate,
  appraisalQuery,
  auditQuery,
  closeCheckUpdate,
  commentReviewUpdate,
  instructUpdate,
  planQuery,
  reviewReportUpdate,
  stateQuery,
  statusQuery,
  submitReportUpdate,
  triggerAppraisalUpdate,
  verifyValuesUpdate,
} from './messages';

/** Turn a domain rejection into a failure the caller sees with its stable code. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Rejection) throw ApplicationFailure.create({ type: e.code, message: e.message, nonRetryable: true });
    throw e;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const DEFINITIONS: Record<UpdateName, UpdateDefinition<any, [any]>> = {
  submitReport: submitReportUpdate,
  reviewReport: reviewReportUpdate,
  closeCheck: closeCheckUpdate,
  commentReview: commentReviewUpdate,
  verifyValues: verifyValuesUpdate,
  triggerAppraisal: triggerAppraisalUpdate,
  acknowledge: acknowledgeUpdate,
  instruct: instructUpdate,
};

export function registerHandlers(plan: Plan, state: CycleState, planNow: () => number, changed: () => void): void {
  for (const name of Object.keys(UPDATE_RULES) as UpdateName[]) {
    const rule = UPDATE_RULES[name] as UpdateRule<unknown, unknown>;
    setHandler(
      DEFINITIONS[name],
      (raw: unknown) =>
        guard(() => {
          const result = applyUpdate(rule, plan, state, raw, planNow());
          changed();
          return result;
        }),
      { validator: (raw: unknown) => guard(() => validateUpdate(rule, plan, state, raw)) },
    );
  }
  setHandler(statusQuery, (wallNow?: number) => cycleView(plan, state, typeof wallNow === 'number' && Number.isFinite(wallNow) ? wallNow + state.clockOffsetMs : planNow()));
  setHandler(auditQuery, () => state.audit);
  setHandler(appraisalQuery, () => state.appraisal?.result ?? null);
  setHandler(stateQuery, () => state);
  setHandler(planQuery, () => plan);
}
