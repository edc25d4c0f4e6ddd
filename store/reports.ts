/** The index of appraisal report files, with their content, so any door on any machine can serve them. */
import type { Db } from './db';
import { one } from './db';
import type { ReportIndex, ReportRecordRow } from './types';

function toRow(r: Record<string, unknown>): ReportRecordRow {
  return {
    workflowId: String(r.workflow_id),
    unitId: String(r.unit_id),
    year: Number(r.year),
    format: String(r.format) as ReportRecordRow['format'],
    path: String(r.path),
    sha256: String(r.sha256),
    bytes: Number(r.bytes),
    createdAt: String(r.created_at),
  };
}

export function dbReports(db: Db): ReportIndex {
  return {
    async record(row, content) {
      // A report written again (a retried activity) replaces the previous one of the same format.
      await db.query(
        `INSERT INTO reports (workflow_id, format, unit_id, year, path, sha256, bytes, created_at, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (workflow_id, format) DO UPDATE SET unit_id = excluded.unit_id, year = excluded.year, path = excluded.path,
           sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at, content = excluded.content`,
        [row.workflowId, row.format, row.unitId, row.year, row.path, row.sha256, row.bytes, row.createdAt, content],
      );
    },
    async list(workflowId) {
      const r = await db.query('SELECT workflow_id, format, unit_id, year, path, sha256, bytes, created_at FROM reports WHERE workflow_id = ? ORDER BY format', [workflowId]);
      return r.rows.map(toRow);
    },
    async content(workflowId, format) {
      const r = await one(db, 'SELECT content FROM reports WHERE workflow_id = ? AND format = ?', [workflowId, format]);
      return r && Buffer.from(r.content as Uint8Array);
    },
  };
}
