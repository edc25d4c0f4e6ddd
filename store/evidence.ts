/**
 * Evidence files, content-addressed by SHA-256, bytes in the database. An
 * upload is read to the end (or to the cap) and checked before anything is
 * written, then blob and reference go in one transaction: a refused, cut-off
 * or forged upload leaves no trace.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db';
import { one } from './db';
import { StoreError, type EvidenceMeta, type EvidencePutOptions, type EvidenceStore } from './types';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Read an upload under a hard cap; stops reading as soon as the cap is passed. */
export async function readCapped(content: AsyncIterable<Uint8Array>, opts: Pick<EvidencePutOptions, 'name' | 'maxBytes'>): Promise<Buffer> {
  if (!content || typeof (content as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function') {
    throw new StoreError('EVIDENCE_NOT_A_FILE', `evidence "${opts.name}" is not a readable file: upload the file itself, not a folder or a name`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of content) {
      if (!(chunk instanceof Uint8Array)) throw new StoreError('EVIDENCE_NOT_A_FILE', `evidence "${opts.name}" did not read as bytes: upload the file itself`);
      total += chunk.byteLength;
      if (total > opts.maxBytes) {
        // Leaving the loop closes the source; the rest is never read.
        throw new StoreError('EVIDENCE_TOO_LARGE', `evidence "${opts.name}" is larger than the limit of ${opts.maxBytes} bytes: send a smaller file or split it`);
      }
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError('EVIDENCE_TRUNCATED', `evidence "${opts.name}" was cut off after ${total} bytes (${(e as Error).message}): nothing was stored, upload it again`);
  }
  return Buffer.concat(chunks, total);
}

function toMeta(r: Record<string, unknown>): EvidenceMeta {
  return {
    sha256: String(r.sha256),
    bytes: Number(r.bytes),
    name: String(r.name),
    contentType: String(r.content_type),
    uploadedBy: String(r.uploaded_by),
    uploadedAt: String(r.uploaded_at),
  };
}

/** Write one blob (if new) and its reference; callers pass the transaction. */
export async function insertEvidence(q: Pick<Db, 'query'>, bytes: Buffer, meta: EvidenceMeta): Promise<void> {
  await q.query('INSERT INTO evidence_blobs (sha256, bytes, content, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING', [meta.sha256, bytes.length, bytes, meta.uploadedAt]);
  await q.query('INSERT INTO evidence_refs (sha256, name, content_type, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?)', [meta.sha256, meta.name, meta.contentType, meta.uploadedBy, meta.uploadedAt]);
}

export function dbEvidence(db: Db): EvidenceStore {
  return {
    async put(content, opts) {
      if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes < 0) throw new RangeError(`evidence maxBytes must be a whole number of bytes, got ${opts.maxBytes}`);
      if (opts.expectedSha256 !== undefined && !SHA256_HEX.test(opts.expectedSha256)) {
        throw new StoreError('EVIDENCE_HASH_MISMATCH', `the expected hash of "${opts.name}" is not 64 lower-case hex digits: send the file's SHA-256`);
      }
      const bytes = await readCapped(content, opts);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (opts.expectedSha256 !== undefined && opts.expectedSha256 !== sha256) {
        throw new StoreError('EVIDENCE_HASH_MISMATCH', `evidence "${opts.name}" hashes to ${sha256}, not the ${opts.expectedSha256} it was sent as: the file changed or was damaged on the way, upload it again`);
      }
      const meta: EvidenceMeta = {
        sha256,
        bytes: bytes.length,
        name: opts.name,
        contentType: opts.contentType ?? 'application/octet-stream',
        uploadedBy: opts.uploadedBy,
        uploadedAt: new Date().toISOString(),
      };
      await db.tx((q) => insertEvidence(q, bytes, meta));
      return meta;
    },

    async get(sha256) {
      const r = await one(db, 'SELECT b.content, b.bytes, r.* FROM evidence_blobs b JOIN evidence_refs r ON r.sha256 = b.sha256 WHERE b.sha256 = ? ORDER BY r.id LIMIT 1', [sha256]);
      return r && { meta: toMeta(r), bytes: Buffer.from(r.content as Uint8Array) };
    },

    async has(sha256) {
      return !!(await one(db, 'SELECT 1 AS x FROM evidence_blobs WHERE sha256 = ?', [sha256]));
    },
  };
}
