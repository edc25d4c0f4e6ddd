/**
 * A received message's headers, read without a MIME parser: what a simulation's mail log needs (date, recipients,
 * subject and the X-Cycle-* headers). mailparser, which the tests' sink uses for bodies too, takes about 80 ms to load
 * and parses every part of every message; `cycle simulate` reads 63 messages' headers only.
 *
 * It reads headers as mailparser does for these: folded lines joined; the subject's and display names' RFC 2047
 * words decoded (adjacent ones in one charset joined before decoding, so a character split across two words
 * survives; charsets through the platform's TextDecoder); other headers, X-Cycle-* among them, left as written;
 * repeated To and Cc merged into one list; other repeated headers listed, or the first where mailparser reads one.
 * Address lists may quote or encode display names. test/integration/mailHeaders.test.ts holds it to mailparser's
 * reading of every kind of mail in a domain year.
 */
import type { AddressObject, EmailAddress, ParsedMail } from 'mailparser';

/** What a headers-only reading gives: the parts of mailparser's result that come from the headers. */
export type MailHeadersView = Pick<ParsedMail, 'headers' | 'headerLines' | 'subject' | 'date' | 'messageId' | 'from' | 'to' | 'cc'>;

/** Headers mailparser reads once (the first of repeated ones); it lists every value of the others. */
const SINGLE = new Set(['message-id', 'content-id', 'from', 'sender', 'in-reply-to', 'reply-to', 'subject', 'date', 'content-disposition', 'content-type', 'content-transfer-encoding', 'mime-version', 'content-description', 'precedence', 'errors-to', 'disposition-notification-to']);

/** The header block of a raw message, in order: names in lower case, folded lines joined, values as written. */
function headerBlock(raw: Buffer): [string, string][] {
  let end = raw.indexOf('\r\n\r\n');
  if (end < 0) end = raw.indexOf('\n\n');
  const text = raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
  const out: [string, string][] = [];
  for (const line of text.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon > 0) out.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim()]);
  }
  return out;
}

const ENCODED_WORD = /=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g;

/** Decodes RFC 2047 encoded words; the white space between two adjacent encoded words is dropped, as the RFC says. */
export function decodeWords(value: string): string {
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  let out = '';
  let last = 0;
  let run: { encoding: string; bytes: number[] } | undefined;
  const flush = () => {
    if (run) out += bytesToString(run.bytes, run.encoding);
    run = undefined;
  };
  for (const m of joined.matchAll(ENCODED_WORD)) {
    const [word, charset, enc, text] = m;
    if (m.index! > last) {
      flush();
      out += joined.slice(last, m.index);
    }
    const bytes = enc.toUpperCase() === 'B' ? [...Buffer.from(text, 'base64')] : qBytes(text);
    const encoding = encodingOf(charset);
    if (run && run.encoding === encoding) run.bytes.push(...bytes);
    else {
      flush();
      run = { encoding, bytes };
    }
    last = m.index! + word.length;
  }
  flush();
  return out + joined.slice(last);
}

function qBytes(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0));
  }
  return bytes;
}

/** The WHATWG name of a MIME charset label (`utf8` and `UTF-8` are one), or latin1 for a label the platform lacks. */
function encodingOf(charset: string): string {
  try {
    return new TextDecoder(charset.trim()).encoding;
  } catch {
    return 'latin1';
  }
}

function bytesToString(bytes: number[], encoding: string): string {
  return encoding === 'latin1' ? Buffer.from(bytes).toString('latin1') : new TextDecoder(encoding).decode(Uint8Array.from(bytes));
}

/** The addresses of an address-list header: `a@b`, `Name <a@b>`, `"Name, Q." <a@b>`, `=?UTF-8?B?…?= <a@b>`. */
export function addressList(value: string | undefined): EmailAddress[] {
  if (!value) return [];
  const items: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = false;
  let escaped = false;
  for (const c of value) {
    if (escaped) escaped = false;
    else if (quoted && c === '\\') escaped = true;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle = true;
    else if (!quoted && c === '>') angle = false;
    if (c === ',' && !quoted && !angle) {
      items.push(cur);
      cur = '';
    } else cur += c;
  }
  items.push(cur);
  return items
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = s.match(/^(.*)<([^>]*)>\s*$/);
      if (!m) return { address: s, name: '' };
      return { address: m[2].trim(), name: decodeWords(m[1].trim().replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1')) };
    });
}

function addressObject(value: string | undefined): AddressObject | undefined {
  const list = addressList(value);
  return list.length ? { value: list, text: list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', '), html: '' } : undefined;
}

/**
 * What a message's headers say, shaped as mailparser's result: subject, date, sender, recipients, message id and every
 * header as written. It has no text, html or attachments: a reader of bodies needs the sink's full parse (its default).
 */
export function headersOnly(raw: Buffer): MailHeadersView {
  const lines = headerBlock(raw);
  const all = new Map<string, string[]>();
  for (const [k, v] of lines) {
    const values = all.get(k);
    if (values) values.push(v);
    else all.set(k, [v]);
  }
  const first = (name: string) => all.get(name)?.[0];
  const headers: ParsedMail['headers'] = new Map([...all].map(([k, vs]) => [k, SINGLE.has(k) || vs.length === 1 ? vs[0] : vs]));
  const subject = first('subject') === undefined ? undefined : decodeWords(first('subject')!);
  if (subject !== undefined) headers.set('subject', subject);
  const date = first('date') === undefined ? undefined : new Date(first('date')!);
  return {
    headers,
    headerLines: lines.map(([key, v]) => ({ key, line: `${key}: ${v}` })),
    subject,
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    messageId: first('message-id'),
    from: addressObject(first('from')),
    // Repeated To and Cc headers are one list, as mailparser reads them.
    to: addressObject(all.get('to')?.join(', ')),
    cc: addressObject(all.get('cc')?.join(', ')),
  };
}
