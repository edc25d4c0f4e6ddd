/**
 * Writes a draft plan as YAML in the hand-written plan's style: small
 * records on one line, comments above the field they explain, the TODO list
 * at the end. Strings are quoted unless they are plain ids, so no text from
 * the document can change the YAML's structure.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const PLAIN = /^[a-z][a-z0-9-]*$/;
const RESERVED = /^(y|n|yes|no|on|off|true|false|null)$/;
const FLOW_WIDTH = 160;

export function scalar(v: Json): string {
  if (typeof v === 'string') return PLAIN.test(v) && !RESERVED.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

function isScalar(v: unknown): v is null | boolean | number | string {
  return v === null || typeof v !== 'object';
}

/** One line: { a: 1, b: { zh: x, en: y } } or [a, b]; undefined when too long or too deep. */
function flow(v: Json, depth = 0): string | undefined {
  if (isScalar(v)) return scalar(v);
  if (depth > 2) return undefined;
  const parts: string[] = [];
  for (const [k, x] of Array.isArray(v) ? v.map((x) => ['', x] as const) : Object.entries(v)) {
    const f = flow(x, depth + 1);
    if (f === undefined) return undefined;
    parts.push(Array.isArray(v) ? f : `${k}: ${f}`);
  }
  const s = Array.isArray(v) ? `[${parts.join(', ')}]` : parts.length ? `{ ${parts.join(', ')} }` : '{}';
  return s.length <= FLOW_WIDTH ? s : undefined;
}

export function emitYaml(value: Record<string, Json>, comments: Map<string, string[]>, header: string[], footer: string[]): string {
  const out: string[] = header.map((l) => `# ${l}`.trimEnd());
  const commentsUnder = (key: string) => [...comments.entries()].filter(([k]) => k === key || k.startsWith(`${key}/`)).flatMap(([, c]) => c);
  const put = (indent: string, key: string, lines: string[]) => lines.forEach((c) => out.push(`${indent}# ${c}`));

  const walk = (v: Json, path: string[], indent: string): void => {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, Json>);
    for (const [k, x] of entries) {
      const p = [...path, k];
      const key = p.join('/');
      const f = flow(x);
      const head = Array.isArray(v) ? `${indent}- ` : `${indent}${k}:`;
      if (f !== undefined) {
        // A one-line field carries all comments of the fields inside it.
        put(indent, key, isScalar(x) ? (comments.get(key) ?? []) : commentsUnder(key));
        out.push(Array.isArray(v) ? `${head}${f}` : `${head} ${f}`);
        continue;
      }
      put(indent, key, comments.get(key) ?? []);
      if (Array.isArray(v)) {
        // "- id: x" then the record's other fields under it.
        const sub: string[] = [];
        const before = out.length;
        walk(x, p, `${indent}  `);
        sub.push(...out.splice(before));
        const first = sub.findIndex((l) => !l.trimStart().startsWith('#'));
        sub[first] = `${indent}- ${sub[first].slice(indent.length + 2)}`;
        out.push(...sub);
      } else {
        out.push(head);
        walk(x, p, `${indent}  `);
      }
    }
  };
  walk(value, [], '');
  return `${[...out, '', ...footer.map((l) => `# ${l}`.trimEnd())].join('\n')}\n`;
}
