/**
 * Stable refusal codes, from the domain's checks through the workflow's
 * ApplicationFailure.type to the application layer, the CLI's exit codes and
 * the web's messages: clients show the message, scripts match the code.
 */
export type RejectionCode =
  | 'INVALID_PAYLOAD'
  | 'NOT_AUTHORISED'
  | 'UNKNOWN_OFFICE'
  | 'UNKNOWN_TARGET'
  | 'PERIOD_NOT_OPEN'
  | 'ALREADY_APPROVED'
  | 'TOO_MANY_REVISIONS'
  | 'CYCLE_APPRAISED'
  | 'WRONG_PHASE'
  | 'VALUE_OUT_OF_RANGE';

export const REJECTION_CODES: readonly RejectionCode[] = [
  'INVALID_PAYLOAD',
  'NOT_AUTHORISED',
  'UNKNOWN_OFFICE',
  'UNKNOWN_TARGET',
  'PERIOD_NOT_OPEN',
  'ALREADY_APPROVED',
  'TOO_MANY_REVISIONS',
  'CYCLE_APPRAISED',
  'WRONG_PHASE',
  'VALUE_OUT_OF_RANGE',
];

/** A request the cycle refuses: it changes nothing, and the message says what to do. */
export class Rejection extends Error {
  override readonly name = 'Rejection';
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
