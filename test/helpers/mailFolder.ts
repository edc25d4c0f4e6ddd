/** Reads the mail `npm start`'s local sink keeps as .eml files, as a person would open them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface FolderMail {
  file: string;
  parsed: ParsedMail;
  header(name: string): string | undefined;
}

export class MailFolder {
  private cache = new Map<string, FolderMail>();
  constructor(readonly dir: string) {}

  async read(): Promise<FolderMail[]> {
    if (!existsSync(this.dir)) return [];
    for (const f of readdirSync(this.dir).filter((x) => x.endsWith('.eml')).sort()) {
      if (this.cache.has(f)) continue;
      const parsed = await simpleParser(readFileSync(path.join(this.dir, f)));
      this.cache.set(f, { file: f, parsed, header: (n) => (parsed.headers.get(n.toLowerCase()) === undefined ? undefined : String(parsed.headers.get(n.toLowerCase()))) });
    }
    return [...this.cache.values()];
  }

  async waitFor(pred: (mail: FolderMail[]) => boolean, timeoutMs: number, what: string): Promise<FolderMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = await this.read();
      if (pred(all)) return all;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; ${all.length} message(s) in ${this.dir}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
