/**
 * The cycle's state: compact, JSON-only data carried across continue-as-new,
 * and the mail intents a turn of the state machine (cycle.ts) produces.
 */
import type { EvidenceRef } from './actions';
import type { PeriodKind } from './calendar';
import type { GradeId } from './plan';
import type { Appraisal } from './scoring';
import type { WarnedState } from './warnings';

export type Phase = 'running' | 'appraisal' | 'appraised';

export type MailKind =
  | 'dispatch'
  | 'reminder'
  | 'overdue'
  | 'escalation'
  | 'returned'
  | 'quarterlySummary'
  | 'review'
  | 'reviewSummary'
  | 'finalRequest'
  | 'appraisal'
  | 'deliveryFailure'
  | 'warning'
  | 'recovery';

/** What the cycle wants sent; the mail module turns it into a message. */
export interface MailIntent {
  kind: MailKind;
  period: string;
  /** The office concerned, or "group" for mail to the assessment group. */
  officeId: string;
  /** Distinguishes repeated rounds (a returned report is chased again). */
  round: number;
  /** Plan-clock instant the mail is sent at (becomes its Date header). */
  at: number;
  /** For deliveryFailure: the key of the mail that could not be delivered, and why. */
  failedKey?: string;
  failedError?: string;
  /** For warning and recovery: the target ids (or "unit") whose light changed. */
  subjects?: string[];
}

export interface ReportRecord {
  revision: number;
  submittedAt: number;
  by: string;
  values: Record<string, number>;
  narrative: string;
  evidence: EvidenceRef[];
  digest: string;
}

export type OfficeStatus = 'due' | 'submitted' | 'approved' | 'returned';

export interface OfficePeriod {
  officeId: string;
  /** Targets listed in the dispatch (open ones), and those among them whose window has ended. */
  targets: string[];
  overdueTargets: string[];
  /** 0 for the first request; +1 each time the leader returns the report. */
  round: number;
  deadlineAt: number;
  reminderAt: number;
  overdueAt: number;
  escalationAt: number;
  /** Chasing already done, as "reminder#0", "overdue#1" … */
  chased: string[];
  status: OfficeStatus;
  report?: ReportRecord;
  /** Earlier revisions of the report, kept when a correction replaces one. */
  previous: ReportRecord[];
  /** Set when the report arrived after its deadline (or never did, once the deadline passed). */
  lateByMs?: number;
  review?: { decision: 'approve' | 'return'; by: string; at: number; comment: string };
  /** Notices waiting to be mailed, e.g. "returned#1". */
  notices: string[];
  /** The revision the current round started after (set when the leader returns the report). */
  roundStartRevision?: number;
  /** 签收: the office acknowledged the request. */
  acknowledged?: { by: string; at: number };
}

export interface PeriodState {
  period: string;
  kind: PeriodKind;
  month: number;
  openedAt: number;
  offices: Record<string, OfficePeriod>;
  /** Quarterly and final periods are checked; monthly ones are not. */
  check?: { autoCloseAt: number; closedAt?: number; closedBy?: string; missing?: string[]; comment?: string; summarySent?: boolean };
}

export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
  digest: string;
  outcome: string;
}

export interface CycleState {
  v: 1;
  /**
   * Rule set the cycle started under (absent: 1). 2: the half-year review follows the Q2 check's close; a cycle
   * adopted after January starts with a catch-up request instead of marking never-requested targets overdue.
   * 3: as 2, plus early-warning mail (预警通知) when a target or the unit's projected grade turns red.
   */
  rules?: 1 | 2 | 3;
  /**
   * Workflow-code patches (`patched()`) this cycle has taken, remembered across continue-as-new so that each
   * marker is written once per cycle rather than in every monthly run (workflows/patches.ts). Absent: none yet.
   */
  patches?: string[];
  /** Set when the cycle was adopted after the year's first dispatch: periods before it were never requested. */
  adoption?: { at: number; firstMonth: number };
  workflowId: string;
  /** Plan clock = workflow clock + offset (0 in production; simulations replay a past plan year). */
  clockOffsetMs: number;
  startedAt: number;
  phase: Phase;
  /** The next month whose dispatch is pending (13 = none left). */
  nextMonth: number;
  periods: Record<string, PeriodState>;
  /** Latest reported progress per target. */
  progress: Record<string, { value: number; officeId: string; period: string; at: number }>;
  verified: Record<string, { value: number; by: string; at: number; note?: string }>;
  municipalGrade?: GradeId;
  review: { sentAt?: number; skipped?: boolean; comments: { by: string; at: number; officeId?: string; comment: string }[] };
  appraisal?: {
    startedAt: number;
    startDate: string;
    triggeredBy?: string;
    closeAt: number;
    finalizeRequestedBy?: string;
    computedAt?: number;
    result?: Appraisal;
    reportFiles?: string[];
    mailed?: boolean;
  };
  /** A bureau request to start the appraisal early, picked up by the next advance. */
  appraisalStartRequestedBy?: string;
  audit: AuditEntry[];
  /** 批示: the leader's instructions on offices and targets, oldest first. */
  instructions?: { seq: number; by: string; at: number; officeId: string; targetId?: string; text: string }[];
  failures: { key: string; at: number; error: string }[];
  /** Mail keys whose delivery failed permanently and whose failure notice is pending. */
  pendingFailureNotices: { key: string; error: string }[];
  /** Rules v3: what the early warning last said (absent until the first evaluation). */
  warned?: WarnedState;
}
