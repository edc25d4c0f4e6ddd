/**
 * Every human action on a running cycle, in one table: the payload schema,
 * the check the workflow's synchronous validator runs (rejects before
 * anything reaches history) and the apply its handler runs. The workflow
 * registers its Update handlers from this table; the names are those of
 * workflows/messages.ts.
 */
import type { z } from 'zod';
import {
  acknowledgementSchema,
  appraisalTriggerSchema,
  closeCheckSchema,
  instructionSchema,
  parsePayload,
  reportSubmissionSchema,
  reviewCommentSchema,
  reviewDecisionSchema,
  verificationSchema,
} from './actions';
import type { CycleState } from './cycle';
import {
  applyCloseCheck,
  applyComment,
  applyInstruction,
  applyReview,
  applyTrigger,
  applyVerification,
  checkCloseCheck,
  checkComment,
  checkInstruction,
  checkReview,
  checkTrigger,
  checkVerification,
} from './groupActions';
import { applyAcknowledgement, applySubmission, checkAcknowledgement, checkSubmission } from './handlers';
import type { Plan } from './plan';

export interface UpdateRule<P, R> {
  /** Names the payload in refusals ("report rejected: …"). */
  what: string;
  schema: z.ZodType<P, z.ZodTypeDef, unknown>;
  check: (plan: Plan, state: CycleState, payload: P) => unknown;
  apply: (plan: Plan, state: CycleState, payload: P, now: number) => R;
}

const rule = <P, R>(r: UpdateRule<P, R>) => r;

export const UPDATE_RULES = {
  submitReport: rule({ what: 'report', schema: reportSubmissionSchema, check: checkSubmission, apply: applySubmission }),
  reviewReport: rule({ what: 'review', schema: reviewDecisionSchema, check: checkReview, apply: applyReview }),
  closeCheck: rule({ what: 'close-check', schema: closeCheckSchema, check: checkCloseCheck, apply: applyCloseCheck }),
  commentReview: rule({ what: 'comment', schema: reviewCommentSchema, check: checkComment, apply: applyComment }),
  verifyValues: rule({ what: 'verification', schema: verificationSchema, check: checkVerification, apply: applyVerification }),
  triggerAppraisal: rule({ what: 'appraisal trigger', schema: appraisalTriggerSchema, check: checkTrigger, apply: applyTrigger }),
  acknowledge: rule({ what: 'acknowledgement', schema: acknowledgementSchema, check: checkAcknowledgement, apply: applyAcknowledgement }),
  instruct: rule({ what: 'instruction', schema: instructionSchema, check: checkInstruction, apply: applyInstruction }),
};

export type UpdateName = keyof typeof UPDATE_RULES;

/** Validate a raw payload against the current state: throws a Rejection, changes nothing. */
export function validateUpdate<P, R>(r: UpdateRule<P, R>, plan: Plan, state: CycleState, raw: unknown): void {
  r.check(plan, state, parsePayload(r.schema, raw, r.what));
}

/** Apply a raw payload: parses again (the validator does not run on replay), mutates the state, returns the result. */
export function applyUpdate<P, R>(r: UpdateRule<P, R>, plan: Plan, state: CycleState, raw: unknown, now: number): R {
  return r.apply(plan, state, parsePayload(r.schema, raw, r.what), now);
}
