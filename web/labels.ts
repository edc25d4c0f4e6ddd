/** How plan things read on a page: goals with units, statuses, periods, in Chinese with English beside. */
import type { OfficeStatus } from '../domain/cycle';
import type { Target } from '../domain/plan';
import { bi, html, type Html } from './html';

export function goalOf(t: Target): string {
  const m = t.measure;
  switch (m.kind) {
    case 'growthPercent':
      return `≥ ${m.atLeast}% 增幅 growth`;
    case 'count':
    case 'amount':
      return `≥ ${m.atLeast} ${m.unit.zh} ${m.unit.en}`;
    case 'milestone':
      return '完成 done (0–1)';
    case 'declaration':
      return '年末申报 points declared';
  }
}

/** The unit a value is entered in, next to its input. */
export function unitOf(t: Target): string {
  const m = t.measure;
  if (m.kind === 'growthPercent') return '%';
  if (m.kind === 'count' || m.kind === 'amount') return `${m.unit.zh} ${m.unit.en}`;
  if (m.kind === 'milestone') return '0–1';
  return '分 points';
}

export const windowOf = (t: Target) => `${t.window.startMonth}–${t.window.endMonth} 月 months`;

const STATUS: Record<OfficeStatus, [string, string]> = {
  due: ['待报', 'due'],
  submitted: ['已报待审', 'filed, awaiting review'],
  approved: ['已通过', 'approved'],
  returned: ['已退回', 'returned'],
};

export const statusLabel = (s: OfficeStatus): Html => bi(...STATUS[s]);

export const kindLabel = (k: string): Html => bi(...(({ monthly: ['月度', 'monthly'], quarterly: ['季度', 'quarterly'], final: ['年终', 'year-end'] }) as Record<string, [string, string]>)[k] ?? [k, k]);

export const evidenceHref = (sha: string, unitId: string, year: number) => `/evidence/${sha}?unit=${encodeURIComponent(unitId)}&year=${year}`;

export function evidenceLinks(list: { name: string; sha256: string; bytes: number }[], unitId: string, year: number): Html {
  if (!list.length) return html`<span class="muted">—</span>`;
  return html`${list.map((e, i) => html`${i ? html`<br>` : ''}<a href="${evidenceHref(e.sha256, unitId, year)}">${e.name}</a> <span class="muted">(${Math.ceil(e.bytes / 1024)} KiB)</span>`)}`;
}

/** A traffic light (预警灯) in words: the colour in Chinese and English, for pages that must not rely on colour alone. */
export const LIGHT_LABEL: Record<string, string> = { red: '红灯 red', amber: '黄灯 amber', green: '绿灯 green', unknown: '— no data' };
