/** Writes the year-end appraisal report files (JSON, Markdown, HTML, CSV) for the group and the record. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import type { CycleState } from '../domain/cycle';
import type { Plan } from '../domain/plan';
import { buildReport, renderCsv, renderHtml, renderMarkdown } from '../domain/report';

export interface ReportDeps {
  reportsDir: string;
}

function writeAtomic(file: string, content: string) {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

export function createReportActivities(deps: ReportDeps) {
  return {
    async writeAppraisalReport(input: { plan: Plan; state: CycleState; generatedAt: number }): Promise<{ files: string[] }> {
      if (!input.state.appraisal?.result) throw ApplicationFailure.nonRetryable('no appraisal result to write', 'InvalidReportInput');
      const safeId = input.state.workflowId.replace(/[^A-Za-z0-9._-]/g, '_');
      const dir = path.join(path.resolve(deps.reportsDir), safeId);
      mkdirSync(dir, { recursive: true });
      const report = buildReport(input.plan, input.state, input.generatedAt);
      const files: [string, string][] = [
        ['appraisal.json', `${JSON.stringify(report, null, 2)}\n`],
        ['appraisal.md', renderMarkdown(report)],
        ['appraisal.html', renderHtml(report)],
        ['appraisal.csv', renderCsv(report)],
      ];
      for (const [name, content] of files) writeAtomic(path.join(dir, name), content);
      return { files: files.map(([name]) => path.join(dir, name)) };
    },
  };
}
