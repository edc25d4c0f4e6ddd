/**
 * Writes the year-end appraisal report files (JSON, Markdown, HTML, CSV) for
 * the group and the record, and indexes each one (with its content) in the
 * store when there is one, so a door on another machine can serve it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import type { CycleState } from '../domain/cycle';
import type { Plan } from '../domain/plan';
import { buildReport, renderCsv, renderHtml, renderMarkdown } from '../domain/report';
import type { ReportIndex, ReportRecordRow } from '../store/types';

export interface ReportDeps {
  reportsDir: string;
  /** Without it (old tests, tools), only the files are written. */
  reportIndex?: ReportIndex;
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
      if (deps.reportIndex) {
        const createdAt = new Date(input.generatedAt).toISOString();
        for (const [name, content] of files) {
          const bytes = Buffer.from(content);
          const row: ReportRecordRow = {
            workflowId: input.state.workflowId,
            unitId: input.plan.unit.id,
            year: input.plan.year,
            format: path.extname(name).slice(1) as ReportRecordRow['format'],
            path: path.join(dir, name),
            sha256: createHash('sha256').update(bytes).digest('hex'),
            bytes: bytes.length,
            createdAt,
          };
          await deps.reportIndex.record(row, bytes);
        }
      }
      return { files: files.map(([name]) => path.join(dir, name)) };
    },
  };
}
