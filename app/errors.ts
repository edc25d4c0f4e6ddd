/**
 * What an action can answer instead of a result: one coded refusal, whatever
 * the door. The CLI maps `kind` to its exit code, the web to a status and a
 * page; `code` is stable (the domain's refusal codes, or the app's own).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { REJECTION_CODES, type RejectionCode } from '../domain/refusals';
import { StoreError } from '../store/types';

export type AppErrorKind = 'input' | 'refused' | 'notFound' | 'unreachable' | 'internal';

export type AppErrorCode = RejectionCode | 'BAD_INPUT' | 'NO_SUCH_CYCLE' | 'CYCLE_FINISHED' | 'TEMPORAL_UNREACHABLE' | 'TRY_AGAIN' | StoreError['code'];

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly kind: AppErrorKind,
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const badInput = (message: string) => new AppError('input', 'BAD_INPUT', message);

const STORE_KIND: Record<StoreError['code'], AppErrorKind> = {
  EVIDENCE_TOO_LARGE: 'input',
  EVIDENCE_HASH_MISMATCH: 'input',
  EVIDENCE_TRUNCATED: 'input',
  EVIDENCE_NOT_A_FILE: 'input',
  DATABASE_NEWER_THAN_CODE: 'internal',
  DATABASE_UNAVAILABLE: 'unreachable',
  DATABASE_URL_INVALID: 'input',
};

/** Turn whatever a Temporal call or the store threw into one AppError, by error type and gRPC status. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof StoreError) return new AppError(STORE_KIND[e.code], e.code, e.message);
  if (e instanceof WorkflowUpdateFailedError) {
    const cause = e.cause;
    if (cause instanceof ApplicationFailure && REJECTION_CODES.includes(cause.type as RejectionCode)) {
      return new AppError('refused', cause.type as RejectionCode, cause.message.replace(/^[A-Z_]+: /, ''));
    }
    return new AppError('refused', 'INVALID_PAYLOAD', cause?.message ?? e.message);
  }
  if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new AppError('unreachable', 'TRY_AGAIN', 'the cycle did not answer in time (no worker running?); nothing was recorded twice: try again in a minute');
  }
  const grpc = (e as { code?: number }).code;
  // An update to a finished execution comes back as NOT_FOUND; only its message tells it from an unknown id.
  if ((e instanceof WorkflowNotFoundError || grpc === 5) && /already completed/i.test((e as Error).message)) {
    return new AppError('refused', 'CYCLE_FINISHED', 'the cycle has finished (the year is appraised); it accepts no more changes');
  }
  if (e instanceof WorkflowNotFoundError) return new AppError('notFound', 'NO_SUCH_CYCLE', e.message);
  // 14 UNAVAILABLE and 4 DEADLINE_EXCEEDED are the server being away.
  if (grpc === 14 || grpc === 4) return new AppError('unreachable', 'TEMPORAL_UNREACHABLE', 'the Temporal server cannot be reached: is `npm start` (or the deployment) running? Try again when it is');
  return new AppError('internal', 'TRY_AGAIN', `internal error: ${(e as Error)?.message ?? String(e)}`);
}
