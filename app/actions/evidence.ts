/** 佐证材料: evidence files go to the store by content hash, never into workflow history; the report carries a reference. */
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { evidenceRefSchema, LIMITS, type EvidenceRef } from '../../domain/actions';
import type { Actor, AppContext } from '../context';
import { AppError, badInput, toAppError } from '../errors';

const MiB = 1024 * 1024;

function checkName(name: string): void {
  const r = evidenceRefSchema.schema.shape.name.safeParse(name);
  if (!r.success) throw badInput(`evidence file name "${name.replace(/[\u0000-\u001f]/g, '?')}" ${r.error.issues[0].message}`);
}

/** Upload from any stream (the web's multipart part): the size cap is enforced while the bytes arrive. */
export async function uploadEvidence(ctx: AppContext, actor: Actor, content: AsyncIterable<Uint8Array>, opts: { name: string; contentType?: string }): Promise<EvidenceRef> {
  checkName(opts.name);
  try {
    if (!ctx.evidence) throw new AppError('internal', 'TRY_AGAIN', 'this door has no evidence store: file evidence through the web or the cycle command');
    const meta = await ctx.evidence.put(content, { name: opts.name, contentType: opts.contentType, uploadedBy: actor.personId, maxBytes: LIMITS.evidenceBytes });
    return { name: opts.name, sha256: meta.sha256, bytes: meta.bytes };
  } catch (e) {
    throw toAppError(e);
  }
}

/** A file on the operator's disk: only a regular file (a device reports 0 bytes and never ends), within the limit. */
export async function checkEvidenceFile(file: string): Promise<void> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (e) {
    throw badInput(`evidence file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${(e as NodeJS.ErrnoException).code})`}: check the path`);
  }
  if (!st.isFile()) throw badInput(`evidence ${file} is not a regular file (${st.isDirectory() ? 'a folder' : 'a device or pipe'}): attach a document, e.g. a PDF`);
  if (st.size > LIMITS.evidenceBytes) throw badInput(`evidence file ${file} is ${(st.size / MiB).toFixed(1)} MiB; the limit is ${LIMITS.evidenceBytes / MiB} MiB: compress or split it`);
  checkName(path.basename(file));
}

/** Upload a checked file; the store's own cap still holds if it grew meanwhile. */
export async function fileEvidence(ctx: AppContext, actor: Actor, file: string): Promise<EvidenceRef> {
  await checkEvidenceFile(file);
  return uploadEvidence(ctx, actor, createReadStream(file), { name: path.basename(file) });
}
