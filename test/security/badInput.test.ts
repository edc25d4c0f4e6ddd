/**
 * A catalogue of bad input sent to a RUNNING cycle on the time-skipping
 * server, through the real client and the real worker. Every case must be
 * refused with the stable Rejection code and a message naming what is wrong,
 * and must leave the workflow's state exactly as it was (deep-equal state
 * query before and after; rejected updates add nothing to the history).
 *
 * One workflow, started on the plan clock at 2013-03-20 and moved past the
 * March dispatch (2013-03-29, period 2013-Q1), with 高新办 having filed a valid
 * Q1 report and 成果科's Q1 report approved. Later the bureau starts and
 * finalises the appraisal, and a submission to the finished cycle is refused.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ApplicationFailure } from '@temporalio/common';
import { loadPlan } from '../../client/planLoader';
import { LIMITS, Rejection, reportSubmissionSchema, reviewDecisionSchema, closeCheckSchema, reviewCommentSchema, verificationSchema, appraisalTriggerSchema, type RejectionCode } from '../../domain/actions';
import { checkSubmission } from '../../domain/handlers';
import { checkCloseCheck, checkComment, checkReview, checkTrigger, checkVerification } from '../../domain/groupActions';
import type { CycleState } from '../../domain/cycle';
import type { Plan } from '../../domain/plan';
import { SEED_PLAN_PATH } from '../../infra/paths';
import type { supervisionCycle } from '../../workflows/cycle';
import { auditQuery, reviewReportUpdate, stateQuery, submitReportUpdate, triggerAppraisalUpdate } from '../../workflows/messages';
import { createTimeSkippingEnv, startHarness, type Harness } from '../helpers/temporal';

type UpdateName = 'submitReport' | 'reviewReport' | 'closeCheck' | 'commentReview' | 'verifyValues' | 'triggerAppraisal';

interface BadCase {
  name: string;
  update: UpdateName;
  /** The update's arguments (default: [payload]). */
  args?: unknown[];
  payload?: unknown;
  /** A Rejection code the workflow must answer with, or CLIENT: the client refuses to encode the payload. */
  code: RejectionCode | 'CLIENT';
  /** A phrase the error message must contain (string) or match (RegExp). */
  says: string | RegExp;
}

const SHA = 'a'.repeat(64);
const evidence = (over: Record<string, unknown> = {}) => ({ name: 'proof.pdf', sha256: SHA, bytes: 1024, ...over });

/** A valid Q1 report of 高新办 (the one filed in setup), to be spoiled one field at a time. */
function report(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    actor: { personId: 'hto-contact', via: 'api' },
    officeId: 'hi-tech-office',
    period: '2013-Q1',
    values: [{ targetId: 't1-1', value: 3 }],
    narrative: '一季度进展 Q1 progress',
    evidence: [],
    ...over,
  };
}
function without(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...o };
  delete copy[key];
  return copy;
}
const val = (targetId: string, value: unknown) => [{ targetId, value }];
const review = (over: Record<string, unknown> = {}) => ({ actor: { personId: 'yang-yaowu', via: 'api' }, officeId: 'hi-tech-office', period: '2013-Q1', decision: 'approve', comment: '', ...over });
const close = (over: Record<string, unknown> = {}) => ({ actor: { personId: 'yang-yaowu', via: 'api' }, period: '2013-Q1', comment: '', ...over });
const comment = (over: Record<string, unknown> = {}) => ({ actor: { personId: 'yang-yaowu', via: 'api' }, comment: '上半年点评', ...over });
const verify = (over: Record<string, unknown> = {}) => ({ actor: { personId: 'yang-yaowu', via: 'api' }, values: [{ targetId: 't1-1', value: 9 }], ...over });
const trigger = (over: Record<string, unknown> = {}) => ({ actor: { personId: 'yang-yaowu', via: 'api' }, action: 'start', reason: '', ...over });
const as = (personId: string) => ({ actor: { personId, via: 'api' } });

const circular: Record<string, unknown> = { ...report() };
circular.self = circular;

/** While the year runs: 2013-Q1 open, 高新办 submitted, 成果科 approved, 计划科 due. */
const RUNNING_CASES: BadCase[] = [
  // --- wrong shapes and types ---
  { name: 'value as a string', update: 'submitReport', payload: report({ values: val('t1-1', '3') }), code: 'INVALID_PAYLOAD', says: 'values.0.value must be a number' },
  { name: 'value as a boolean', update: 'submitReport', payload: report({ values: val('t1-1', true) }), code: 'INVALID_PAYLOAD', says: 'values.0.value must be a number' },
  { name: 'narrative as an array', update: 'submitReport', payload: report({ narrative: ['a', 'b'] }), code: 'INVALID_PAYLOAD', says: 'narrative Expected string, received array' },
  { name: 'values as an object map instead of a list', update: 'submitReport', payload: report({ values: { 't1-1': 3 } }), code: 'INVALID_PAYLOAD', says: 'values Expected array, received object' },
  { name: 'period as a number', update: 'submitReport', payload: report({ period: 201303 }), code: 'INVALID_PAYLOAD', says: 'period Expected string, received number' },
  { name: 'payload is a string', update: 'submitReport', payload: 'please accept my report', code: 'INVALID_PAYLOAD', says: 'report Expected object, received string' },
  { name: 'payload is an array', update: 'submitReport', payload: [report()], code: 'INVALID_PAYLOAD', says: 'report Expected object, received array' },
  { name: 'no payload at all', update: 'submitReport', args: [], code: 'INVALID_PAYLOAD', says: 'report Required' },
  // --- missing fields ---
  { name: 'missing values', update: 'submitReport', payload: without(report(), 'values'), code: 'INVALID_PAYLOAD', says: 'values Required' },
  { name: 'missing actor', update: 'submitReport', payload: without(report(), 'actor'), code: 'INVALID_PAYLOAD', says: 'actor Required' },
  { name: 'missing period', update: 'submitReport', payload: without(report(), 'period'), code: 'INVALID_PAYLOAD', says: 'period Required' },
  { name: 'missing officeId', update: 'submitReport', payload: without(report(), 'officeId'), code: 'INVALID_PAYLOAD', says: 'officeId Required' },
  { name: 'missing actor.personId', update: 'submitReport', payload: report({ actor: { via: 'api' } }), code: 'INVALID_PAYLOAD', says: 'actor.personId Required' },
  { name: 'missing value of a target', update: 'submitReport', payload: report({ values: [{ targetId: 't1-1' }] }), code: 'INVALID_PAYLOAD', says: 'values.0.value Required' },
  // --- unknown fields ---
  { name: 'unknown top-level field', update: 'submitReport', payload: report({ approved: true }), code: 'INVALID_PAYLOAD', says: "Unrecognized key(s) in object: 'approved'" },
  { name: 'unknown field in actor', update: 'submitReport', payload: report({ actor: { personId: 'hto-contact', via: 'api', role: 'leader' } }), code: 'INVALID_PAYLOAD', says: "actor Unrecognized key(s) in object: 'role'" },
  { name: 'unknown field in a value', update: 'submitReport', payload: report({ values: [{ targetId: 't1-1', value: 3, verified: true }] }), code: 'INVALID_PAYLOAD', says: "values.0 Unrecognized key(s) in object: 'verified'" },
  { name: 'unknown field in an evidence reference (a server path)', update: 'submitReport', payload: report({ evidence: [evidence({ path: '/etc/shadow' })] }), code: 'INVALID_PAYLOAD', says: "evidence.0 Unrecognized key(s) in object: 'path'" },
  { name: 'unknown "via" front end', update: 'submitReport', payload: report({ actor: { personId: 'hto-contact', via: 'email' } }), code: 'INVALID_PAYLOAD', says: 'actor.via Invalid enum value' },
  // --- values out of range ---
  { name: 'negative count', update: 'submitReport', payload: report({ values: val('t2-1a', -1) }), code: 'VALUE_OUT_OF_RANGE', says: 'value for t2-1a: a count must be a whole number from 0 to 10000000, got -1' },
  { name: 'fractional count', update: 'submitReport', payload: report({ values: val('t2-1a', 2.5) }), code: 'VALUE_OUT_OF_RANGE', says: 'a count must be a whole number from 0 to 10000000, got 2.5' },
  { name: 'absurd count 1e15', update: 'submitReport', payload: report({ values: val('t4-1', 1e15) }), code: 'VALUE_OUT_OF_RANGE', says: 'value for t4-1: a count must be a whole number' },
  { name: 'growth of -500%', update: 'submitReport', payload: report({ values: val('t1-1', -500) }), code: 'VALUE_OUT_OF_RANGE', says: 'growth of -500% is outside -100..10000 per cent' },
  { name: 'absurd growth 1e15%', update: 'submitReport', payload: report({ values: val('t1-2', 1e15) }), code: 'VALUE_OUT_OF_RANGE', says: 'value for t1-2: growth of' },
  { name: 'absurd amount 1e15 (计划科)', update: 'submitReport', payload: report({ ...as('pln-contact'), officeId: 'planning', values: val('t6-1', 1e15) }), code: 'VALUE_OUT_OF_RANGE', says: 'value for t6-1: an amount must be from 0 to 1e13' },
  { name: 'negative amount (计划科)', update: 'submitReport', payload: report({ ...as('pln-contact'), officeId: 'planning', values: val('t7-1', -0.01) }), code: 'VALUE_OUT_OF_RANGE', says: 'an amount must be from 0 to 1e13' },
  { name: 'milestone progress 2 (more than done)', update: 'submitReport', payload: report({ ...as('pln-contact'), officeId: 'planning', values: val('t3-1', 2) }), code: 'VALUE_OUT_OF_RANGE', says: "a milestone's progress is from 0 (not started) to 1 (done), got 2" },
  // NaN and ±Infinity: JSON turns them into null on the wire; refused all the same.
  { name: 'NaN value', update: 'submitReport', payload: report({ values: val('t1-1', NaN) }), code: 'INVALID_PAYLOAD', says: 'values.0.value must be a number' },
  { name: 'Infinity value', update: 'submitReport', payload: report({ values: val('t1-1', Infinity) }), code: 'INVALID_PAYLOAD', says: 'values.0.value must be a number' },
  { name: '-Infinity value', update: 'submitReport', payload: report({ values: val('t4-3', -Infinity) }), code: 'INVALID_PAYLOAD', says: 'values.0.value must be a number' },
  { name: 'BigInt value (the client cannot encode it)', update: 'submitReport', payload: report({ values: val('t1-1', BigInt(3)) }), code: 'CLIENT', says: /Unable to convert .* to payload/ },
  { name: 'circular payload (the client cannot encode it)', update: 'submitReport', payload: circular, code: 'CLIENT', says: /Unable to convert .* to payload/ },
  // --- targets ---
  { name: 'unknown target id', update: 'submitReport', payload: report({ values: val('t99-9', 1) }), code: 'UNKNOWN_TARGET', says: 'no target "t99-9" in the plan' },
  { name: 'malformed target id', update: 'submitReport', payload: report({ values: val('T1-1; DROP', 1) }), code: 'INVALID_PAYLOAD', says: 'values.0.targetId must be a target id from the plan' },
  { name: "a target of another office (计划科's t6-1 from 高新办)", update: 'submitReport', payload: report({ values: val('t6-1', 300) }), code: 'UNKNOWN_TARGET', says: "target t6-1 is not one of hi-tech-office's targets" },
  { name: 'a duplicate target in one report', update: 'submitReport', payload: report({ values: [{ targetId: 't1-1', value: 3 }, { targetId: 't1-1', value: 30 }] }), code: 'INVALID_PAYLOAD', says: 'target t1-1 is listed twice in the report' },
  { name: `too many values (${LIMITS.valuesPerReport + 1})`, update: 'submitReport', payload: report({ values: Array.from({ length: LIMITS.valuesPerReport + 1 }, () => ({ targetId: 't1-1', value: 3 })) }), code: 'INVALID_PAYLOAD', says: `values Array must contain at most ${LIMITS.valuesPerReport} element(s)` },
  { name: 'declaration value outside the final round', update: 'submitReport', payload: report({ ...as('pln-contact'), officeId: 'planning', values: val('t5-1', 50) }), code: 'WRONG_PHASE', says: 'target t5-1 is a year-end declaration: file it in the final round (2013-final)' },
  // --- periods ---
  { name: 'a period outside the plan year (2014-04)', update: 'submitReport', payload: report({ period: '2014-04' }), code: 'PERIOD_NOT_OPEN', says: 'period "2014-04" is not in the plan year 2013' },
  { name: 'a quarter of another year (2012-Q1)', update: 'submitReport', payload: report({ period: '2012-Q1' }), code: 'PERIOD_NOT_OPEN', says: 'is not in the plan year 2013' },
  { name: 'malformed period 2013-13', update: 'submitReport', payload: report({ period: '2013-13' }), code: 'INVALID_PAYLOAD', says: 'period must be a period such as 2013-04, 2013-Q2 or 2013-final' },
  { name: 'malformed period 2013-Q5', update: 'submitReport', payload: report({ period: '2013-Q5' }), code: 'INVALID_PAYLOAD', says: 'period must be a period such as' },
  { name: "malformed period 'march'", update: 'submitReport', payload: report({ period: 'march' }), code: 'INVALID_PAYLOAD', says: 'period must be a period such as' },
  { name: 'malformed period 2013-00', update: 'submitReport', payload: report({ period: '2013-00' }), code: 'INVALID_PAYLOAD', says: 'period must be a period such as' },
  { name: 'a period not yet dispatched (2013-05)', update: 'submitReport', payload: report({ period: '2013-05' }), code: 'PERIOD_NOT_OPEN', says: 'period 2013-05 has not been opened by a dispatch yet (the next dispatch is for month 4)' },
  { name: 'a month before the cycle began, never dispatched (2013-02)', update: 'submitReport', payload: report({ period: '2013-02' }), code: 'PERIOD_NOT_OPEN', says: 'period 2013-02 has not been opened by a dispatch yet' },
  { name: 'a quarter-end month written as a month (2013-03)', update: 'submitReport', payload: report({ period: '2013-03' }), code: 'PERIOD_NOT_OPEN', says: '2013-03 is a quarter-end month: its report is the quarterly one, written 2013-Q1' },
  { name: 'the final round while the year runs (2013-final)', update: 'submitReport', payload: report({ period: '2013-final' }), code: 'PERIOD_NOT_OPEN', says: 'period 2013-final has not been opened by a dispatch yet' },
  // --- offices and people ---
  { name: 'a report for another office (hto-contact for planning)', update: 'submitReport', payload: report({ officeId: 'planning', values: val('t6-1', 300) }), code: 'NOT_AUTHORISED', says: 'hto-contact may not report for planning; only its contact (pln-contact) or head (pln-head) may' },
  { name: 'the group leader reporting for an office', update: 'submitReport', payload: report({ ...as('yang-yaowu') }), code: 'NOT_AUTHORISED', says: 'yang-yaowu may not report for hi-tech-office' },
  { name: 'an unknown office', update: 'submitReport', payload: report({ officeId: 'finance' }), code: 'UNKNOWN_OFFICE', says: 'no office "finance" in the plan: use one of hi-tech-office, rural-social, planning, achievements' },
  { name: 'an empty office id', update: 'submitReport', payload: report({ officeId: '' }), code: 'INVALID_PAYLOAD', says: 'officeId String must contain at least 1 character(s)' },
  { name: 'an office id of prototype magic (__proto__)', update: 'submitReport', payload: report({ officeId: '__proto__' }), code: 'UNKNOWN_OFFICE', says: 'no office "__proto__" in the plan' },
  { name: 'an unknown person', update: 'submitReport', payload: report({ ...as('nobody') }), code: 'NOT_AUTHORISED', says: '"nobody" is not a person named in the plan' },
  { name: 'a malformed person id', update: 'submitReport', payload: report({ ...as('Yang Yaowu') }), code: 'INVALID_PAYLOAD', says: 'actor.personId must be a person id from the plan' },
  { name: 'an already approved report (成果科)', update: 'submitReport', payload: report({ ...as('ach-contact'), officeId: 'achievements', values: val('t4-1', 2) }), code: 'ALREADY_APPROVED', says: 'the 2013-Q1 report of achievements is already approved' },
  // --- narrative and evidence ---
  { name: `oversized narrative (${LIMITS.narrativeChars + 1} characters)`, update: 'submitReport', payload: report({ narrative: '进'.repeat(LIMITS.narrativeChars + 1) }), code: 'INVALID_PAYLOAD', says: `the narrative is longer than ${LIMITS.narrativeChars} characters` },
  { name: 'control characters in the narrative (BEL)', update: 'submitReport', payload: report({ narrative: 'done\u0007' }), code: 'INVALID_PAYLOAD', says: 'narrative the narrative contains control characters' },
  { name: 'a NUL byte in the narrative', update: 'submitReport', payload: report({ narrative: 'a\u0000b' }), code: 'INVALID_PAYLOAD', says: 'the narrative contains control characters' },
  { name: 'a terminal escape in the narrative', update: 'submitReport', payload: report({ narrative: '\u001b[2J\u001b[31mpwned' }), code: 'INVALID_PAYLOAD', says: 'the narrative contains control characters' },
  { name: 'U+FFFD (text that was not UTF-8) in the narrative', update: 'submitReport', payload: report({ narrative: 'caf\uFFFD report' }), code: 'INVALID_PAYLOAD', says: 'the narrative contains U+FFFD or a lone surrogate' },
  { name: 'a lone surrogate in the narrative (stored as U+FFFD before)', update: 'submitReport', payload: report({ narrative: 'half \uD83D of an emoji' }), code: 'INVALID_PAYLOAD', says: 'the narrative contains U+FFFD or a lone surrogate' },
  { name: 'a line break in an evidence name', update: 'submitReport', payload: report({ evidence: [{ name: 'a\nb.pdf', sha256: 'a'.repeat(64), bytes: 1 }] }), code: 'INVALID_PAYLOAD', says: 'must not contain line breaks' },
  { name: 'a payload over the size limit', update: 'submitReport', payload: report({ narrative: 'n'.repeat(300_000) }), code: 'INVALID_PAYLOAD', says: 'the limit is 256 KiB' },
  { name: `too many evidence files (${LIMITS.evidencePerReport + 1})`, update: 'submitReport', payload: report({ evidence: Array.from({ length: LIMITS.evidencePerReport + 1 }, (_, i) => evidence({ name: `f${i}.pdf` })) }), code: 'INVALID_PAYLOAD', says: `at most ${LIMITS.evidencePerReport} evidence files per report` },
  { name: 'evidence too large', update: 'submitReport', payload: report({ evidence: [evidence({ bytes: LIMITS.evidenceBytes + 1 })] }), code: 'INVALID_PAYLOAD', says: 'evidence.0.bytes evidence larger than 20 MiB is refused' },
  { name: 'evidence with a negative size', update: 'submitReport', payload: report({ evidence: [evidence({ bytes: -1 })] }), code: 'INVALID_PAYLOAD', says: 'evidence.0.bytes Number must be greater than or equal to 0' },
  { name: "evidence name '../../etc/passwd'", update: 'submitReport', payload: report({ evidence: [evidence({ name: '../../etc/passwd' })] }), code: 'INVALID_PAYLOAD', says: 'evidence.0.name must be a plain file name without folders' },
  { name: "evidence name 'a/b.txt'", update: 'submitReport', payload: report({ evidence: [evidence({ name: 'a/b.txt' })] }), code: 'INVALID_PAYLOAD', says: 'evidence.0.name must be a plain file name' },
  { name: "evidence name 'a\\b.txt'", update: 'submitReport', payload: report({ evidence: [evidence({ name: 'a\\b.txt' })] }), code: 'INVALID_PAYLOAD', says: 'evidence.0.name must be a plain file name' },
  { name: "evidence name '..'", update: 'submitReport', payload: report({ evidence: [evidence({ name: '..' })] }), code: 'INVALID_PAYLOAD', says: 'evidence.0.name must be a plain file name' },
  { name: "evidence name '.hidden'", update: 'submitReport', payload: report({ evidence: [evidence({ name: '.hidden' })] }), code: 'INVALID_PAYLOAD', says: 'a leading dot' },
  { name: 'empty evidence name', update: 'submitReport', payload: report({ evidence: [evidence({ name: '' })] }), code: 'INVALID_PAYLOAD', says: 'evidence.0.name String must contain at least 1 character(s)' },
  { name: `evidence name over ${LIMITS.evidenceNameChars} characters`, update: 'submitReport', payload: report({ evidence: [evidence({ name: `${'x'.repeat(LIMITS.evidenceNameChars)}.pdf` })] }), code: 'INVALID_PAYLOAD', says: `evidence.0.name String must contain at most ${LIMITS.evidenceNameChars} character(s)` },
  { name: 'bad sha256 (not hex)', update: 'submitReport', payload: report({ evidence: [evidence({ sha256: 'z'.repeat(64) })] }), code: 'INVALID_PAYLOAD', says: 'evidence.0.sha256 must be a SHA-256 hex digest' },
  { name: 'bad sha256 (63 digits)', update: 'submitReport', payload: report({ evidence: [evidence({ sha256: 'a'.repeat(63) })] }), code: 'INVALID_PAYLOAD', says: 'evidence.0.sha256 must be a SHA-256 hex digest' },
  // --- approvals (审批) ---
  { name: 'approval by the deputy (tang-zhibin)', update: 'reviewReport', payload: review(as('tang-zhibin')), code: 'NOT_AUTHORISED', says: 'tang-zhibin may not approve or return quarterly reports; the plan allows only yang-yaowu' },
  { name: 'approval by the office contact (hto-contact)', update: 'reviewReport', payload: review(as('hto-contact')), code: 'NOT_AUTHORISED', says: 'hto-contact may not approve or return quarterly reports' },
  { name: 'approval by a group member (feng-dongyuan)', update: 'reviewReport', payload: review(as('feng-dongyuan')), code: 'NOT_AUTHORISED', says: 'feng-dongyuan may not approve or return quarterly reports' },
  { name: 'approval by an unknown person', update: 'reviewReport', payload: review(as('mallory')), code: 'NOT_AUTHORISED', says: '"mallory" is not a person named in the plan' },
  { name: 'approving a report not yet submitted (计划科)', update: 'reviewReport', payload: review({ officeId: 'planning' }), code: 'WRONG_PHASE', says: 'cannot approve the 2013-Q1 report of planning: the office has not reported yet' },
  { name: 'approving an already approved report (成果科)', update: 'reviewReport', payload: review({ officeId: 'achievements' }), code: 'WRONG_PHASE', says: 'it is already approved' },
  { name: 'returning without a comment', update: 'reviewReport', payload: review({ decision: 'return', comment: '' }), code: 'INVALID_PAYLOAD', says: 'comment a returned report needs a comment saying what to fix' },
  { name: 'returning with a blank comment', update: 'reviewReport', payload: review({ decision: 'return', comment: '  \n\t ' }), code: 'INVALID_PAYLOAD', says: 'a returned report needs a comment' },
  { name: 'an unknown decision', update: 'reviewReport', payload: review({ decision: 'accept' }), code: 'INVALID_PAYLOAD', says: 'decision Invalid enum value' },
  { name: 'reviewing a month instead of a quarter', update: 'reviewReport', payload: review({ period: '2013-03' }), code: 'INVALID_PAYLOAD', says: 'period must be a quarter such as 2013-Q2' },
  { name: 'reviewing a quarter not yet open (2013-Q2)', update: 'reviewReport', payload: review({ period: '2013-Q2' }), code: 'PERIOD_NOT_OPEN', says: 'period 2013-Q2 has not been opened by a dispatch yet' },
  { name: 'reviewing an unknown office', update: 'reviewReport', payload: review({ officeId: 'finance' }), code: 'UNKNOWN_OFFICE', says: 'no office "finance" in the plan' },
  { name: 'an oversized review comment', update: 'reviewReport', payload: review({ comment: 'x'.repeat(LIMITS.commentChars + 1) }), code: 'INVALID_PAYLOAD', says: `the comment is longer than ${LIMITS.commentChars} characters` },
  // --- closing a check ---
  { name: 'close-check by the deputy (non-approver)', update: 'closeCheck', payload: close(as('tang-zhibin')), code: 'NOT_AUTHORISED', says: 'tang-zhibin may not close a quarterly check' },
  { name: 'close-check by an office head', update: 'closeCheck', payload: close(as('hto-head')), code: 'NOT_AUTHORISED', says: 'hto-head may not close a quarterly check' },
  { name: 'close-check of a quarter not yet open', update: 'closeCheck', payload: close({ period: '2013-Q3' }), code: 'PERIOD_NOT_OPEN', says: 'period 2013-Q3 has not been opened by a dispatch yet' },
  { name: 'close-check of the final round', update: 'closeCheck', payload: close({ period: '2013-final' }), code: 'INVALID_PAYLOAD', says: 'period must be a quarter such as 2013-Q2' },
  // --- half-year review comments ---
  { name: 'a review comment by an office contact', update: 'commentReview', payload: comment(as('hto-contact')), code: 'NOT_AUTHORISED', says: 'hto-contact may not comment on the half-year review' },
  { name: 'an empty review comment', update: 'commentReview', payload: comment({ comment: '   ' }), code: 'INVALID_PAYLOAD', says: 'comment the comment is empty' },
  { name: 'a review comment for an unknown office', update: 'commentReview', payload: comment({ officeId: 'finance' }), code: 'UNKNOWN_OFFICE', says: 'no office "finance" in the plan' },
  // --- verification and the appraisal trigger before the appraisal ---
  { name: 'verify before the appraisal', update: 'verifyValues', payload: verify(), code: 'WRONG_PHASE', says: 'values are verified during the year-end appraisal; it has not started' },
  { name: 'verify by the deputy', update: 'verifyValues', payload: verify(as('tang-zhibin')), code: 'NOT_AUTHORISED', says: 'tang-zhibin may not verify values' },
  { name: 'appraisal trigger by an office head (non-triggerer)', update: 'triggerAppraisal', payload: trigger(as('hto-head')), code: 'NOT_AUTHORISED', says: 'hto-head may not trigger the year-end appraisal; the plan allows only yang-yaowu' },
  { name: 'appraisal trigger by the deputy', update: 'triggerAppraisal', payload: trigger(as('tang-zhibin')), code: 'NOT_AUTHORISED', says: 'tang-zhibin may not trigger the year-end appraisal' },
  { name: 'finalize before start', update: 'triggerAppraisal', payload: trigger({ action: 'finalize' }), code: 'WRONG_PHASE', says: 'the year-end appraisal has not started: start it first' },
  { name: 'an unknown trigger action', update: 'triggerAppraisal', payload: trigger({ action: 'restart' }), code: 'INVALID_PAYLOAD', says: 'action Invalid enum value' },
  { name: 'a trigger with an unknown field', update: 'triggerAppraisal', payload: trigger({ force: true }), code: 'INVALID_PAYLOAD', says: "Unrecognized key(s) in object: 'force'" },
];

/** During the appraisal (after yang-yaowu's start): the final round is open for 高新办, 农社科 and 计划科. */
const final = (over: Record<string, unknown> = {}) => report({ ...as('pln-contact'), officeId: 'planning', period: '2013-final', values: val('t5-1', 70), narrative: '省级科技进步奖', ...over });
const APPRAISAL_CASES: BadCase[] = [
  { name: 'starting the appraisal twice', update: 'triggerAppraisal', payload: trigger(), code: 'WRONG_PHASE', says: 'the year-end appraisal has already started' },
  { name: 'finalize by a non-triggerer', update: 'triggerAppraisal', payload: trigger({ ...as('feng-dongyuan'), action: 'finalize' }), code: 'NOT_AUTHORISED', says: 'feng-dongyuan may not trigger the year-end appraisal' },
  { name: 'a declaration above its points', update: 'submitReport', payload: final({ values: val('t5-1', 81) }), code: 'VALUE_OUT_OF_RANGE', says: 'value for t5-1: a declaration is 0 to 80 points, got 81' },
  { name: 'a negative declaration', update: 'submitReport', payload: final({ values: val('t5-1', -5) }), code: 'VALUE_OUT_OF_RANGE', says: 'a declaration is 0 to 80 points, got -5' },
  { name: 'a NaN declaration', update: 'submitReport', payload: final({ values: val('t5-1', NaN) }), code: 'INVALID_PAYLOAD', says: 'values.0.value must be a number' },
  { name: 'a final report for another office', update: 'submitReport', payload: final({ ...as('hto-contact') }), code: 'NOT_AUTHORISED', says: 'hto-contact may not report for planning' },
  { name: 'a final report from an office not asked for one (成果科)', update: 'submitReport', payload: final({ ...as('ach-contact'), officeId: 'achievements', values: val('t4-1', 3) }), code: 'PERIOD_NOT_OPEN', says: 'achievements was not dispatched for 2013-final' },
  { name: 'a final round of another year', update: 'submitReport', payload: final({ period: '2012-final' }), code: 'PERIOD_NOT_OPEN', says: 'period "2012-final" is not in the plan year 2013' },
  { name: 'verify an unknown target', update: 'verifyValues', payload: verify({ values: [{ targetId: 't42', value: 1 }] }), code: 'UNKNOWN_TARGET', says: 'no target "t42" in the plan' },
  { name: 'verify a negative count', update: 'verifyValues', payload: verify({ values: [{ targetId: 't2-1a', value: -3 }] }), code: 'VALUE_OUT_OF_RANGE', says: 'verified value for t2-1a: a count must be a whole number' },
  { name: 'verify a milestone of 1.5', update: 'verifyValues', payload: verify({ values: [{ targetId: 't3-1', value: 1.5 }] }), code: 'VALUE_OUT_OF_RANGE', says: "verified value for t3-1: a milestone's progress is from 0" },
  { name: 'verify a declaration above its points', update: 'verifyValues', payload: verify({ values: [{ targetId: 't5-1', value: 100 }] }), code: 'VALUE_OUT_OF_RANGE', says: 'verified value for t5-1: a declaration is 0 to 80 points' },
  { name: 'verify the same target twice', update: 'verifyValues', payload: verify({ values: [{ targetId: 't1-1', value: 9 }, { targetId: 't1-1', value: 11 }] }), code: 'INVALID_PAYLOAD', says: 'target t1-1 is listed twice' },
  { name: 'verify Infinity', update: 'verifyValues', payload: verify({ values: [{ targetId: 't1-1', value: Infinity }] }), code: 'INVALID_PAYLOAD', says: 'values.0.value must be a number' },
  { name: 'verify with an oversized note', update: 'verifyValues', payload: verify({ values: [{ targetId: 't1-1', value: 9, note: 'n'.repeat(501) }] }), code: 'INVALID_PAYLOAD', says: 'the note is longer than 500 characters' },
  { name: 'verify with an unknown municipal grade', update: 'verifyValues', payload: verify({ municipalGrade: 'outstanding' }), code: 'INVALID_PAYLOAD', says: 'municipalGrade Invalid enum value' },
  { name: 'verify by a group member', update: 'verifyValues', payload: verify(as('feng-dongyuan')), code: 'NOT_AUTHORISED', says: 'feng-dongyuan may not verify values' },
  { name: 'verify by an office contact', update: 'verifyValues', payload: verify(as('pln-contact')), code: 'NOT_AUTHORISED', says: 'pln-contact may not verify values' },
];

let env: TestWorkflowEnvironment;
let h: Harness;
let plan: Plan;
let handle: WorkflowHandle<typeof supervisionCycle>;
const workflowId = `security-bad-input-${Date.now()}`;

async function state(): Promise<CycleState> {
  return handle.query(stateQuery);
}

const { EventType } = temporal.api.enums.v1;
const WORKFLOW_TASK_EVENTS = ['EVENT_TYPE_WORKFLOW_TASK_SCHEDULED', 'EVENT_TYPE_WORKFLOW_TASK_STARTED', 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED'];

async function historyEvents(): Promise<number> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return history.events?.length ?? 0;
}

async function waitForState(pred: (s: CycleState) => boolean, what: string): Promise<CycleState> {
  for (let i = 0; i < 200; i++) {
    const s = await state();
    if (pred(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Send one bad case and check it is refused, says what is wrong, and changes nothing. */
async function expectRefused(c: BadCase): Promise<void> {
  const before = await state();
  let error: unknown;
  try {
    await handle.executeUpdate(c.update as string, { args: (c.args ?? [c.payload]) as [unknown] });
  } catch (e) {
    error = e;
  }
  expect(error).toBeDefined();
  if (c.code === 'CLIENT') {
    expect(error).not.toBeInstanceOf(WorkflowUpdateFailedError);
    expect((error as Error).message).toMatch(c.says);
  } else {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    const failure = cause as ApplicationFailure;
    expect({ type: failure.type, prefix: failure.message.slice(0, c.code.length + 1) }).toEqual({ type: c.code, prefix: `${c.code}:` });
    if (typeof c.says === 'string') expect(failure.message).toContain(c.says);
    else expect(failure.message).toMatch(c.says);
  }
  expect(await state()).toEqual(before);
}

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  h = await startHarness(env);
  plan = loadPlan(SEED_PLAN_PATH);
  handle = await env.client.workflow.start<typeof supervisionCycle>('supervisionCycle', {
    taskQueue: h.taskQueue,
    workflowId,
    args: [{ plan, options: { simulatedStart: '2013-03-20T00:00:00.000Z' } }],
  });
  await env.sleep(10 * 86_400_000); // past the 29 March dispatch: 2013-Q1 is open
  await waitForState((s) => s.periods['2013-Q1'] !== undefined && s.nextMonth === 4, 'the March dispatch');
  // 高新办 files a valid Q1 report; 成果科 files one and the leader approves it.
  const ok = await handle.executeUpdate(submitReportUpdate, { args: [report() as never] });
  expect(ok).toEqual({ outcome: 'accepted', revision: 1, late: false });
  await handle.executeUpdate(submitReportUpdate, { args: [report({ ...as('ach-contact'), officeId: 'achievements', values: val('t4-1', 1) }) as never] });
  const approved = await handle.executeUpdate(reviewReportUpdate, { args: [review({ officeId: 'achievements' }) as never] });
  expect(approved.status).toBe('approved');
  const s = await state();
  expect(s.periods['2013-Q1'].offices['hi-tech-office'].status).toBe('submitted');
  expect(s.periods['2013-Q1'].offices['achievements'].status).toBe('approved');
  expect(s.periods['2013-Q1'].offices['planning'].status).toBe('due');
  expect(s.phase).toBe('running');
});

afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

test(`the catalogue holds at least 45 bad-input cases (${RUNNING_CASES.length} while the year runs + ${APPRAISAL_CASES.length} during the appraisal)`, () => {
  const all = [...RUNNING_CASES, ...APPRAISAL_CASES];
  expect(all.length).toBeGreaterThanOrEqual(45);
  expect(new Set(all.map((c) => c.name)).size).toBe(all.length); // every case is a different one
  // Every Rejection code a person can provoke while the year runs or during the appraisal is exercised.
  const codes = new Set(all.map((c) => c.code));
  for (const code of ['INVALID_PAYLOAD', 'NOT_AUTHORISED', 'UNKNOWN_OFFICE', 'UNKNOWN_TARGET', 'PERIOD_NOT_OPEN', 'ALREADY_APPROVED', 'WRONG_PHASE', 'VALUE_OUT_OF_RANGE', 'CLIENT']) {
    expect(codes).toContain(code);
  }
});

describe('while the year runs (2013-Q1 open)', () => {
  let eventsBefore: number;
  beforeAll(async () => {
    eventsBefore = await historyEvents();
  });

  test.each(RUNNING_CASES.map((c) => [c.name, c] as const))('refused: %s', async (_name, c) => {
    await expectRefused(c);
  });

  test('the refused updates left no trace in the workflow history or the audit log', async () => {
    // A rejected update is never written to history. (The time-skipping test server has no speculative
    // workflow tasks, so it records the workflow task that ran each validator; nothing else may appear.)
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const added = (history.events ?? []).slice(eventsBefore).map((e) => EventType[e.eventType ?? 0]);
    expect(added.filter((t) => !WORKFLOW_TASK_EVENTS.includes(t))).toEqual([]);
    const audit = await handle.query(auditQuery);
    expect(audit.map((a) => `${a.actor} ${a.action} ${a.subject}`)).toEqual(['hto-contact submit 2013-Q1/hi-tech-office', 'ach-contact submit 2013-Q1/achievements', 'yang-yaowu approve 2013-Q1/achievements']);
  });

  test('an identical resubmission is accepted as "unchanged" and changes nothing', async () => {
    const before = await state();
    const again = await handle.executeUpdate(submitReportUpdate, { args: [report() as never] });
    expect(again).toEqual({ outcome: 'unchanged', revision: 1, late: false });
    const after = await state();
    expect(after).toEqual(before);
    expect(after.periods['2013-Q1'].offices['hi-tech-office'].previous).toEqual([]);
  });
});

describe('during the year-end appraisal', () => {
  beforeAll(async () => {
    const r = await handle.executeUpdate(triggerAppraisalUpdate, { args: [trigger({ reason: 'early appraisal for the test' }) as never] });
    expect(r).toEqual({ requested: 'start' });
    const s = await waitForState((x) => x.phase === 'appraisal', 'the appraisal to start');
    expect(Object.keys(s.periods['2013-final'].offices).sort()).toEqual(['hi-tech-office', 'planning', 'rural-social']);
  });

  test.each(APPRAISAL_CASES.map((c) => [c.name, c] as const))('refused: %s', async (_name, c) => {
    await expectRefused(c);
  });
});

describe('after the year is appraised', () => {
  let finalState: CycleState;
  beforeAll(async () => {
    const r = await handle.executeUpdate(triggerAppraisalUpdate, { args: [trigger({ action: 'finalize' }) as never] });
    expect(r).toEqual({ requested: 'finalize' });
    const result = await handle.result();
    expect(result.appraisal.total).toBeGreaterThan(0);
    finalState = await state();
    expect(finalState.phase).toBe('appraised');
  });

  test('a submission to the finished cycle is refused (the workflow has completed) and changes nothing', async () => {
    const eventsBefore = await historyEvents();
    let error: unknown;
    try {
      await handle.executeUpdate(submitReportUpdate, { args: [final() as never] });
    } catch (e) {
      error = e;
    }
    // The real server answers "workflow execution already completed"; the time-skipping test server
    // answers "update <id> not found". Both reach the client as WorkflowNotFoundError (gRPC NOT_FOUND).
    expect(error).toBeInstanceOf(WorkflowNotFoundError);
    expect((error as Error).message).toMatch(/already completed|update .* not found/i);
    expect(await state()).toEqual(finalState);
    expect(await historyEvents()).toBe(eventsBefore);
    const d = await env.client.workflow.getHandle(workflowId).describe();
    expect(d.status.name).toBe('COMPLETED');
  });

  test('with the appraised state, every action is refused with CYCLE_APPRAISED before anything else is looked at', () => {
    const p = (schema: { parse(x: unknown): unknown }, x: unknown) => schema.parse(x) as never;
    const attempts: [string, () => unknown][] = [
      ['submit', () => checkSubmission(plan, finalState, p(reportSubmissionSchema, final()))],
      ['review', () => checkReview(plan, finalState, p(reviewDecisionSchema, review()))],
      ['close-check', () => checkCloseCheck(plan, finalState, p(closeCheckSchema, close()))],
      ['comment', () => checkComment(plan, finalState, p(reviewCommentSchema, comment()))],
      ['verify', () => checkVerification(plan, finalState, p(verificationSchema, verify()))],
      ['trigger', () => checkTrigger(plan, finalState, p(appraisalTriggerSchema, trigger({ action: 'finalize' })))],
    ];
    for (const [what, attempt] of attempts) {
      let error: unknown;
      try {
        attempt();
      } catch (e) {
        error = e;
      }
      expect({ what, error: error instanceof Rejection ? error.code : String(error) }).toEqual({ what, error: 'CYCLE_APPRAISED' });
    }
  });
});
