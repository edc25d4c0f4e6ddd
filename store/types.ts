/**
 * The application's own data (everything that is not a cycle: Temporal keeps
 * those): the sent-mail ledger, evidence files, the index of appraisal
 * reports, and the web door's sign-in tokens and sessions. One interface, two
 * backends: embedded SQLite (default, a file under DATA_DIR) and PostgreSQL
 * (DATABASE_URL). Every method is async so both backends fit.
 */

/** A mail that went out: written once, after the mail server accepted it. */
export interface SentRecord {
  key: string;
  messageId: string;
  sentAt: string;
  accepted: string[];
  /** Recipients the mail server refused while taking the message (absent in records from before schema 2). */
  rejected?: string[];
  response?: string;
}

/** Who holds a claim: a crashed holder on the same host is taken over at once, any other after CLAIM_STALE_MS. */
export interface ClaimHolder {
  host: string;
  pid: number;
}

export interface LedgerStore {
  sent(key: string): Promise<SentRecord | undefined>;
  /** Claim the right to send `key`; false if another live attempt holds it or it was sent. Atomic across machines. */
  claim(key: string, holder: ClaimHolder, now: number): Promise<boolean>;
  release(key: string): Promise<void>;
  /** Record the send and drop the claim, in one transaction. */
  markSent(record: SentRecord): Promise<void>;
}

export interface EvidenceMeta {
  sha256: string;
  bytes: number;
  /** The name it was uploaded under (kept per reference; the bytes are shared by hash). */
  name: string;
  contentType: string;
  uploadedBy: string;
  uploadedAt: string;
}

export interface EvidencePutOptions {
  name: string;
  contentType?: string;
  uploadedBy: string;
  /** Refuse (EVIDENCE_TOO_LARGE) as soon as more than this many bytes have streamed in. */
  maxBytes: number;
  /** If given, the upload is refused (EVIDENCE_HASH_MISMATCH) unless the bytes hash to it. */
  expectedSha256?: string;
}

export interface EvidenceStore {
  /** Stream bytes in, hashing as they come; nothing is written unless the whole upload is within limits and intact. */
  put(content: AsyncIterable<Uint8Array>, opts: EvidencePutOptions): Promise<EvidenceMeta>;
  get(sha256: string): Promise<{ meta: EvidenceMeta; bytes: Buffer } | undefined>;
  has(sha256: string): Promise<boolean>;
}

export interface ReportRecordRow {
  workflowId: string;
  unitId: string;
  year: number;
  format: 'json' | 'md' | 'html' | 'csv' | 'xlsx';
  /** Where the worker wrote it (REPORTS_DIR), and its content for any door on any machine. */
  path: string;
  sha256: string;
  bytes: number;
  createdAt: string;
}

export interface ReportIndex {
  record(row: ReportRecordRow, content: Buffer): Promise<void>;
  list(workflowId: string): Promise<ReportRecordRow[]>;
  content(workflowId: string, format: ReportRecordRow['format']): Promise<Buffer | undefined>;
}

/** Web sign-in: only hashes of tokens and session ids are stored. */
export interface SignInTokenRow {
  tokenHash: string;
  email: string;
  /** Where to land after signing in (a path on this site). */
  returnTo: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionRow {
  idHash: string;
  email: string;
  createdAt: number;
  lastSeenAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  /** Per-session secret the CSRF tokens are derived from. */
  csrfSecret: string;
}

export interface AuthStore {
  createSignInToken(row: SignInTokenRow): Promise<void>;
  /** Spend a token: returns it once if unexpired, undefined if unknown, used or expired. Atomic. */
  consumeSignInToken(tokenHash: string, now: number): Promise<SignInTokenRow | undefined>;
  createSession(row: SessionRow): Promise<void>;
  getSession(idHash: string, now: number): Promise<SessionRow | undefined>;
  touchSession(idHash: string, now: number, idleExpiresAt: number): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  /** Count sign-in requests for a key (address or client) since `since`, and record this one. */
  countAndRecordAttempt(kind: 'address' | 'client', key: string, now: number, since: number): Promise<number>;
  /** A form's one-time token: true the first time, false after (a double-submitted form). */
  spendFormToken(token: string, now: number): Promise<boolean>;
}

export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  readonly ledger: LedgerStore;
  readonly evidence: EvidenceStore;
  readonly reports: ReportIndex;
  readonly auth: AuthStore;
  /** Schema version applied. */
  version(): Promise<number>;
  close(): Promise<void>;
}

/** Stable codes of store refusals, shown to people as one line. */
export type StoreErrorCode = 'EVIDENCE_TOO_LARGE' | 'EVIDENCE_HASH_MISMATCH' | 'EVIDENCE_TRUNCATED' | 'EVIDENCE_NOT_A_FILE' | 'DATABASE_NEWER_THAN_CODE' | 'DATABASE_UNAVAILABLE' | 'DATABASE_URL_INVALID';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
