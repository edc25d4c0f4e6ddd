/**
 * Evidence in a folder (EVIDENCE_DIR/xx/<sha256>): the layout of earlier
 * versions, kept as an EvidenceStore for a store-less set-up and as the
 * source the database store imports from. Bytes are hashed while they
 * stream to a temporary file under a hard cap; nothing is kept unless the
 * whole upload is within limits.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StoreError, type EvidenceMeta, type EvidencePutOptions, type EvidenceStore } from './types';

export class FileEvidenceStore implements EvidenceStore {
  constructor(readonly dir: string) {}

  private file(sha256: string) {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  async put(content: AsyncIterable<Uint8Array>, opts: EvidencePutOptions): Promise<EvidenceMeta> {
    mkdirSync(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.upload-${process.pid}-${randomBytes(6).toString('hex')}`);
    const out = createWriteStream(tmp);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      try {
        for await (const chunk of content) {
          bytes += chunk.length;
          if (bytes > opts.maxBytes) throw new StoreError('EVIDENCE_TOO_LARGE', `"${opts.name}" is larger than ${opts.maxBytes / 1048576} MiB: compress or split it`);
          hash.update(chunk);
          if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        }
      } catch (e) {
        if (e instanceof StoreError) throw e;
        throw new StoreError('EVIDENCE_TRUNCATED', `the upload of "${opts.name}" broke off (${(e as Error).message}): send it again`);
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const sha256 = hash.digest('hex');
      if (opts.expectedSha256 && opts.expectedSha256 !== sha256) throw new StoreError('EVIDENCE_HASH_MISMATCH', `"${opts.name}" does not hash to the expected ${opts.expectedSha256.slice(0, 12)}…: send the file again`);
      const dest = this.file(sha256);
      mkdirSync(path.dirname(dest), { recursive: true });
      if (!existsSync(dest)) await fs.rename(tmp, dest);
      return { sha256, bytes, name: opts.name, contentType: opts.contentType ?? 'application/octet-stream', uploadedBy: opts.uploadedBy, uploadedAt: new Date().toISOString() };
    } finally {
      out.destroy();
      await fs.rm(tmp, { force: true });
    }
  }

  async get(sha256: string) {
    if (!/^[0-9a-f]{64}$/.test(sha256) || !existsSync(this.file(sha256))) return undefined;
    const bytes = await fs.readFile(this.file(sha256));
    return { meta: { sha256, bytes: bytes.length, name: sha256, contentType: 'application/octet-stream', uploadedBy: '', uploadedAt: '' }, bytes };
  }

  async has(sha256: string) {
    return /^[0-9a-f]{64}$/.test(sha256) && existsSync(this.file(sha256));
  }
}
