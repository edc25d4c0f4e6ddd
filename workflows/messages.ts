/**
 * Every update and query of the supervision cycle, with its argument and
 * result types: imported by the workflow and by every client, so neither
 * can drift.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AcknowledgementInput, AppraisalTriggerInput, CloseCheckInput, InstructionInput, ReportSubmissionInput, ReviewCommentInput, ReviewDecisionInput, VerificationInput } from '../domain/actions';
import type { AuditEntry, CycleState } from '../domain/cycle';
import type { SubmitOutcome } from '../domain/handlers';
import type { Plan } from '../domain/plan';
import type { Appraisal } from '../domain/scoring';
import type { CycleView } from '../domain/view';

export interface SubmitResult {
  outcome: SubmitOutcome;
  revision: number;
  late: boolean;
}

/** 报送: an office files a monthly, quarterly or final report. */
export const submitReportUpdate = defineUpdate<SubmitResult, [ReportSubmissionInput]>('submitReport');
/** 审批: the group leader approves or returns a quarterly report. */
export const reviewReportUpdate = defineUpdate<{ status: string; newDeadline?: string }, [ReviewDecisionInput]>('reviewReport');
/** The group leader closes a quarterly check, recording what is missing. */
export const closeCheckUpdate = defineUpdate<{ missing: string[] }, [CloseCheckInput]>('closeCheck');
/** A comment for the half-year review. */
export const commentReviewUpdate = defineUpdate<{ recorded: true }, [ReviewCommentInput]>('commentReview');
/** 核实: the leader's verified values for the appraisal. */
export const verifyValuesUpdate = defineUpdate<{ recorded: number }, [VerificationInput]>('verifyValues');
/** The bureau starts the year-end appraisal early, or finalizes it. */
export const triggerAppraisalUpdate = defineUpdate<{ requested: 'start' | 'finalize' }, [AppraisalTriggerInput]>('triggerAppraisal');
/** 签收: an office acknowledges a dispatch; pressing again returns the first acknowledgement. */
export const acknowledgeUpdate = defineUpdate<{ acknowledgedAt: number; by: string; first: boolean }, [AcknowledgementInput]>('acknowledge');
/** 批示: the leader's instruction on an office or a target. */
export const instructUpdate = defineUpdate<{ seq: number }, [InstructionInput]>('instruct');

/**
 * The status at a wall-clock instant (the caller's now; the plan clock's offset is added inside). Inside a query the
 * workflow's own clock stands at its last task, so without it "now" could be hours old and miss what became late.
 */
export const statusQuery = defineQuery<CycleView, [wallNow?: number]>('status');
export const auditQuery = defineQuery<AuditEntry[]>('audit');
export const appraisalQuery = defineQuery<Appraisal | null>('appraisal');
/** The plan the cycle runs (immutable for its whole life). */
export const planQuery = defineQuery<Plan>('plan');
/** The raw state, for simulations, reports and debugging. */
export const stateQuery = defineQuery<CycleState>('state');
