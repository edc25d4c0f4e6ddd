/**
 * Server-side templates: `html` is a tagged template that escapes every
 * interpolated value unless it is already Html (the output of another `html`
 * call). Nothing a person typed can become markup, on any page.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type Part = Html | string | number | boolean | null | undefined | Part[];

function render(p: Part): string {
  if (p === null || p === undefined || p === false) return '';
  if (Array.isArray(p)) return p.map(render).join('');
  if (p instanceof Html) return p.value;
  return escapeText(String(p));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0];
  for (let i = 0; i < parts.length; i++) out += render(parts[i]) + strings[i + 1];
  return new Html(out);
}

/** A Chinese label with its English beside it. */
export const bi = (zh: string, en: string) => html`${zh} <span class="en">${en}</span>`;

export interface PageOptions {
  title: string;
  /** Signed-in person, for the header's sign-out form. */
  who?: { email: string; csrf: string };
  body: Html;
  status?: number;
}

export function page(o: PageOptions): string {
  const signOut = o.who
    ? html`<form method="post" action="/sign-out" class="inline"><input type="hidden" name="_csrf" value="${o.who.csrf}"><span class="who">${o.who.email}</span> <button class="link">退出 Sign out</button></form>`
    : '';
  return `<!doctype html>${html`<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header><a href="/" class="home">绩效督查 <span class="en">Supervision</span></a>${signOut}</header>
<main>${o.body}</main></body></html>`}`;
}

/** A hidden CSRF field: every form carries one. */
export const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

export function table(head: Html[] | string[], rows: Part[][], cls = ''): Html {
  return html`<div class="scroll"><table class="${cls}"><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`,
  )}</tbody></table></div>`;
}
