/**
 * Names shared by worker, client and workflows, so they cannot drift:
 * the task queue, workflow ids and search attributes.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
export const TASK_QUEUE_DEFAULT = 'supervision-cycle';

/** One cycle per unit-plan-year: the id is derived from both, so a cycle cannot be started twice. */
export function cycleWorkflowId(unitId: string, year: number): string {
  return `cycle-${unitId}-${year}`;
}

export function parseCycleWorkflowId(workflowId: string): { unitId: string; year: number } | undefined {
  const m = /^cycle-(.+)-(\d{4})$/.exec(workflowId);
  return m ? { unitId: m[1], year: Number(m[2]) } : undefined;
}

/** Custom search attributes the dev server registers and the cycle upserts, for `cycle list`. */
export const SEARCH_ATTRIBUTES = {
  CycleUnit: 'Keyword',
  CycleYear: 'Int',
  CyclePhase: 'Keyword',
  CycleNextEvent: 'Datetime',
  CycleLateOffices: 'KeywordList',
} as const;

/** The typed keys of the attributes above, for upserts (workflow) and starts and listings (clients). */
export const SA_KEYS = {
  unit: defineSearchAttributeKey('CycleUnit', SearchAttributeType.KEYWORD),
  year: defineSearchAttributeKey('CycleYear', SearchAttributeType.INT),
  phase: defineSearchAttributeKey('CyclePhase', SearchAttributeType.KEYWORD),
  next: defineSearchAttributeKey('CycleNextEvent', SearchAttributeType.DATETIME),
  late: defineSearchAttributeKey('CycleLateOffices', SearchAttributeType.KEYWORD_LIST),
} as const;
