/**
 * The text of a plan document: UTF-8 text as pasted or pulled out of a PDF,
 * a .docx (mammoth's raw text) or a .pdf (unpdf's text layer). Size and
 * zip-expansion limits are checked before any parser sees the bytes.
 */
import { readFileSync, statSync } from 'node:fs';
import type JSZip from 'jszip';

export const DOCUMENT_LIMITS = {
  /** A signed plan is a few pages: anything larger is the wrong file. */
  fileBytes: 20 * 1024 * 1024,
  /** What a .docx or .xlsx may expand to: refuses zip bombs before unpacking. */
  unzippedBytes: 100 * 1024 * 1024,
  zipEntries: 2000,
};

export class DocumentError extends Error {
  override readonly name = 'DocumentError';
}

/** Check a zip's declared sizes from its central directory, without inflating anything. */
export async function checkZip(bytes: Uint8Array, file: string): Promise<JSZip> {
  let zip: JSZip;
  // Loaded when a document is read: the web door that offers the import starts without it.
  const { default: Zip } = await import('jszip');
  try {
    zip = await Zip.loadAsync(bytes, { checkCRC32: false });
  } catch (e) {
    throw new DocumentError(`${file} is not a readable Office file (${(e as Error).message}): save it again from Word or Excel`);
  }
  const entries = Object.values(zip.files);
  if (entries.length > DOCUMENT_LIMITS.zipEntries) throw new DocumentError(`${file} holds ${entries.length} files; an Office document holds a few dozen: refusing it`);
  // JSZip keeps each entry's declared uncompressed size from the central directory.
  const declared = entries.reduce((sum, e) => sum + ((e as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0), 0);
  if (declared > DOCUMENT_LIMITS.unzippedBytes) {
    throw new DocumentError(`${file} expands to ${Math.round(declared / 1048576)} MiB (limit ${DOCUMENT_LIMITS.unzippedBytes / 1048576} MiB): refusing it as a possible zip bomb`);
  }
  return zip;
}

export function readLimited(file: string, limit = DOCUMENT_LIMITS.fileBytes): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DocumentError(`${file}: ${code === 'ENOENT' ? 'no such file: check the path' : `cannot be read (${code})`}`);
  }
  if (size > limit) throw new DocumentError(`${file} is ${Math.round(size / 1048576)} MiB; the limit is ${limit / 1048576} MiB: is this the right file?`);
  return readFileSync(file);
}

export async function documentText(file: string): Promise<string> {
  const bytes = readLimited(file);
  const lower = file.toLowerCase();
  if (lower.endsWith('.docx')) {
    await checkZip(bytes, file);
    const mammoth = await import('mammoth');
    return (await mammoth.extractRawText({ buffer: bytes })).value;
  }
  if (lower.endsWith('.pdf')) return pdfText(bytes, file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DocumentError(`${file} is not UTF-8 text: save the text as UTF-8, or pass the .docx or .pdf itself`);
  }
}

async function pdfText(bytes: Buffer, file: string): Promise<string> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const { text } = await extractText(pdf, { mergePages: false });
    return (text as string[]).join('\n');
  } catch (e) {
    throw new DocumentError(`${file} is not a readable PDF (${(e as Error).message}): export it again, or paste its text into a .txt file`);
  }
}
