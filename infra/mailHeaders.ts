/**
 * A received message's headers, read without a MIME parser: what a simulation's mail log needs (date, recipients,
 * subject and the X-Cycle-* headers). mailparser, which the tests' sink uses for bodies too, takes about 80 ms to load
 * and parses every part of every message; `cycle simulate` reads 63 messages' headers only.
 *
 * It reads what RFC 5322 and RFC 2047 allow for the headers nodemailer writes: folded lines, encoded words in B or Q
 * (adjacent ones joined before decoding, so a character split across two words survives), address lists with quoted
 * or encoded display names. Charsets other than UTF-8 and US-ASCII are decoded as Latin-1 would be, which nodemailer
 * never writes. test/integration/mailHeaders.test.ts holds it to mailparser's reading of a whole simulated year.
 */
import type { AddressObject, EmailAddress, ParsedMail } from 'mailparser';

/** The header block of a raw message: names in lower case, folded lines joined; a repeated header keeps its first value. */
export function headerBlock(raw: Buffer): Map<string, string> {
  let end = raw.indexOf('\r\n\r\n');
  if (end < 0) end = raw.indexOf('\n\n');
  const text = raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  return out;
}

const ENCODED_WORD = /=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g;

/** Decodes RFC 2047 encoded words; the white space between two adjacent encoded words is dropped, as the RFC says. */
export function decodeWords(value: string): string {
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  let out = '';
  let last = 0;
  let run: { charset: string; bytes: number[] } | undefined;
  const flush = () => {
    if (run) out += bytesToString(run.bytes, run.charset);
    run = undefined;
  };
  for (const m of joined.matchAll(ENCODED_WORD)) {
    const [word, charset, enc, text] = m;
    if (m.index! > last) {
      flush();
      out += joined.slice(last, m.index);
    }
    const bytes = enc.toUpperCase() === 'B' ? [...Buffer.from(text, 'base64')] : qBytes(text);
    if (run && run.charset === charset.toLowerCase()) run.bytes.push(...bytes);
    else {
      flush();
      run = { charset: charset.toLowerCase(), bytes };
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

function bytesToString(bytes: number[], charset: string): string {
  const buf = Buffer.from(bytes);
  return /^(utf-?8|us-ascii)$/.test(charset) ? buf.toString('utf8') : buf.toString('latin1');
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
 * A ParsedMail with the headers only: subject, date, from, to, cc, message id and every header decoded as text.
 * No text, html or attachments: a reader of bodies needs the sink's full parse (its default).
 */
export function headersOnly(raw: Buffer): ParsedMail {
  const block = headerBlock(raw);
  const headers = new Map([...block].map(([k, v]) => [k, decodeWords(v)]));
  const date = block.get('date') ? new Date(block.get('date')!) : undefined;
  return {
    headers,
    headerLines: [...block].map(([key, v]) => ({ key, line: `${key}: ${v}` })),
    attachments: [],
    subject: headers.get('subject'),
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    messageId: block.get('message-id'),
    from: addressObject(block.get('from')),
    to: addressObject(block.get('to')),
    cc: addressObject(block.get('cc')),
    html: false,
  } as ParsedMail;
}
