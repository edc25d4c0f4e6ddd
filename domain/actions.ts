/**
 * What people send to a running cycle: reports, reviews, verifications,
 * triggers. One zod schema per payload; the actor travels in every payload
 * because Temporal's history does not record who sent an update.
 */
import { z } from 'zod';
import { Rejection } from './refusals';

/**
 * Each schema is built on its first use, not when the module loads: workflow code imports this module,
 * and most runs never receive the update a schema is for. Built schemas live in a closure: the SDK
 * freezes a preloaded module's exports (worker/bundle.ts), and a zod schema writes a cache into itself.
 */
function lazily<T extends z.ZodTypeAny>(build: () => T): z.ZodLazy<T> {
  let built: T | undefined;
  return z.lazy(() => (built ??= build()));
}

export const LIMITS = {
  narrativeChars: 4000,
  commentChars: 2000,
  evidencePerReport: 20,
  evidenceBytes: 20 * 1024 * 1024,
  evidenceNameChars: 120,
  /** Revisions an office may file per round of a report; a return by the leader starts a new round. */
  revisionsPerRound: 25,
  valuesPerReport: 200,
  /** Any one request, as JSON: refused before it is parsed further (a narrative is at most 4,000 characters). */
  payloadChars: 256 * 1024,
  instructionChars: 2000,
} as const;

const personId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a person id from the plan, e.g. "yang-yaowu"');
const targetId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a target id from the plan, e.g. "t1-1"');

/** Who acts. `via` says which front end carried the request. */
export const actorSchema = lazily(() =>
  z
    .object({
      personId,
      via: z.enum(['cli', 'web', 'api', 'simulation']).default('api'),
    })
    .strict()
);
export type Actor = z.infer<typeof actorSchema>;

/** C0 and C1 control characters other than tab and newline, and bidirectional overrides. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/** A UTF-16 surrogate without its pair: no valid text contains one (it would be stored as U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const text = (max: number, what: string) =>
  z
    .string()
    .max(max, `${what} is longer than ${max} characters: shorten it or attach the full text as evidence`)
    // Control characters other than tab/newline are never meant; U+FFFD means the text was not valid UTF-8.
    .refine((s) => !CONTROL.test(s), `${what} contains control characters: remove them`)
    .refine((s) => !s.includes('\uFFFD') && !LONE_SURROGATE.test(s), `${what} contains U+FFFD or a lone surrogate (text that was not valid UTF-8 or UTF-16): save it as UTF-8 and send again`);

/** An evidence file kept outside workflow history, by content hash. */
export const evidenceRefSchema = lazily(() =>
  z
    .object({
      name: z
        .string()
        .min(1)
        .max(LIMITS.evidenceNameChars)
        .refine((n) => !/[\\/]/.test(n) && n !== '.' && n !== '..' && !n.startsWith('.'), 'must be a plain file name without folders, "..", or a leading dot')
        .refine((n) => !CONTROL.test(n) && !/[\t\n\r]/.test(n) && !n.includes('\uFFFD') && !LONE_SURROGATE.test(n), 'must not contain line breaks, tabs, control characters or U+FFFD (rename the file)'),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'),
      bytes: z.number().int().min(0).max(LIMITS.evidenceBytes, `evidence larger than ${LIMITS.evidenceBytes / 1024 / 1024} MiB is refused`),
    })
    .strict()
);
export type EvidenceRef = z.infer<typeof evidenceRefSchema>;

const finiteValue = z
  .number({ invalid_type_error: 'must be a number' })
  .refine((v) => Number.isFinite(v), 'must be a finite number (not NaN or Infinity)');

/** 报告: an office's report for a period (monthly, quarterly or final). */
export const reportSubmissionSchema = lazily(() =>
  z
    .object({
      actor: actorSchema,
      officeId: z.string().min(1).max(64),
      period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4]|final)$/, 'must be a period such as 2013-04, 2013-Q2 or 2013-final'),
      values: z.array(z.object({ targetId, value: finiteValue }).strict()).max(LIMITS.valuesPerReport),
      narrative: text(LIMITS.narrativeChars, 'the narrative').default(''),
      evidence: z.array(evidenceRefSchema).max(LIMITS.evidencePerReport, `at most ${LIMITS.evidencePerReport} evidence files per report`).default([]),
      /**
       * merge: values, evidence and (when empty) the narrative carry over from the office's previous revision for the
       * period; replace: exactly this report. Requests recorded before this field existed meant replace.
       */
      mode: z.enum(['merge', 'replace']).default('replace'),
    })
    .strict()
);
export type ReportSubmission = z.infer<typeof reportSubmissionSchema>;
/** What a client sends (defaults not yet applied). */
export type ReportSubmissionInput = z.input<typeof reportSubmissionSchema>;

/** 审批: the group leader approves or returns a quarterly report. */
export const reviewDecisionSchema = lazily(() =>
  z
    .object({
      actor: actorSchema,
      officeId: z.string().min(1).max(64),
      period: z.string().regex(/^\d{4}-Q[1-4]$/, 'must be a quarter such as 2013-Q2'),
      decision: z.enum(['approve', 'return']),
      comment: text(LIMITS.commentChars, 'the comment').default(''),
    })
    .strict()
    .refine((d) => d.decision !== 'return' || d.comment.trim().length > 0, { message: 'a returned report needs a comment saying what to fix', path: ['comment'] })
);
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;
export type ReviewDecisionInput = z.input<typeof reviewDecisionSchema>;

export const closeCheckSchema = lazily(() =>
  z
    .object({
      actor: actorSchema,
      period: z.string().regex(/^\d{4}-Q[1-4]$/, 'must be a quarter such as 2013-Q2'),
      comment: text(LIMITS.commentChars, 'the comment').default(''),
    })
    .strict()
);
export type CloseCheck = z.infer<typeof closeCheckSchema>;
export type CloseCheckInput = z.input<typeof closeCheckSchema>;

/** 点评: a comment for the half-year review, for one office or for all. */
export const reviewCommentSchema = lazily(() =>
  z
    .object({
      actor: actorSchema,
      officeId: z.string().min(1).max(64).optional(),
      comment: text(LIMITS.commentChars, 'the comment').refine((c) => c.trim().length > 0, 'the comment is empty'),
    })
    .strict()
);
export type ReviewComment = z.infer<typeof reviewCommentSchema>;
export type ReviewCommentInput = z.input<typeof reviewCommentSchema>;

/** 核实: the leader's verified values (may differ from the reported ones). */
export const verificationSchema = lazily(() =>
  z
    .object({
      actor: actorSchema,
      values: z.array(z.object({ targetId, value: finiteValue, note: text(500, 'the note').optional() }).strict()).max(LIMITS.valuesPerReport),
      /** 市州人民政府绩效考核结果, where known. */
      municipalGrade: z.enum(['excellent', 'good', 'pass', 'unqualified']).optional(),
    })
    .strict()
);
export type Verification = z.infer<typeof verificationSchema>;
export type VerificationInput = z.input<typeof verificationSchema>;

/** 启动年底考评: the bureau triggers the year-end appraisal (early, or to finalise it). */
export const appraisalTriggerSchema = lazily(() =>
  z
    .object({
      actor: actorSchema,
      /** start: open the final-report round now; finalize: compute the appraisal now with what is recorded. */
      action: z.enum(['start', 'finalize']),
      reason: text(LIMITS.commentChars, 'the reason').default(''),
    })
    .strict()
);
export type AppraisalTrigger = z.infer<typeof appraisalTriggerSchema>;
export type AppraisalTriggerInput = z.input<typeof appraisalTriggerSchema>;

/** 签收: an office acknowledges receipt of a dispatch (or any request of a period). */
export const acknowledgementSchema = lazily(() =>
  z
    .object({
      actor: actorSchema,
      officeId: z.string().min(1).max(64),
      period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4]|final)$/, 'must be a period such as 2013-04, 2013-Q2 or 2013-final'),
    })
    .strict()
);
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;
export type AcknowledgementInput = z.input<typeof acknowledgementSchema>;

/** 批示: the leader's instruction on an office, or on one of its targets; the office sees it on its page. */
export const instructionSchema = lazily(() =>
  z
    .object({
      actor: actorSchema,
      officeId: z.string().min(1).max(64),
      targetId: targetId.optional(),
      text: text(LIMITS.instructionChars, 'the instruction').refine((c) => c.trim().length > 0, 'the instruction is empty'),
    })
    .strict()
);
export type Instruction = z.infer<typeof instructionSchema>;
export type InstructionInput = z.input<typeof instructionSchema>;

export { Rejection, type RejectionCode } from './refusals';

/** Parse a payload, turning zod's issues into one readable rejection naming each field. */
export function parsePayload<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, raw: unknown, what: string): T {
  const size = jsonLength(raw);
  if (size > LIMITS.payloadChars) {
    throw new Rejection('INVALID_PAYLOAD', `${what} rejected: it is ${Math.ceil(size / 1024)} KiB; the limit is ${LIMITS.payloadChars / 1024} KiB: shorten the narrative or attach long text as an evidence file`);
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const parts = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : what} ${i.message}`);
  throw new Rejection('INVALID_PAYLOAD', `${what} rejected: ${parts.join('; ')}`);
}

function jsonLength(raw: unknown): number {
  try {
    return JSON.stringify(raw)?.length ?? 0;
  } catch {
    return Infinity; // cyclic or otherwise unserialisable: never a valid request
  }
}
