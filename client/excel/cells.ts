/**
 * Cell helpers shared by every workbook the engine writes: text a person typed
 * is always written as an inert string, as the CSV renderer does.
 */
import type { Cell, Row, Worksheet } from 'exceljs';

/** A leading = + - @ tab or CR makes Excel (or LibreOffice) read text as a formula: prefix a quote. */
export function inert(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Write a value: numbers as numbers, everything else as an inert string (never a formula object). */
export function put(cell: Cell, value: string | number | null | undefined, numFmt?: string): void {
  if (typeof value === 'number' && Number.isFinite(value)) {
    cell.value = value;
    if (numFmt) cell.numFmt = numFmt;
  } else cell.value = value === null || value === undefined ? null : inert(String(value));
}

export function addRow(sheet: Worksheet, values: (string | number | null | undefined)[], numFmts: (string | undefined)[] = []): Row {
  const row = sheet.addRow([]);
  values.forEach((v, i) => put(row.getCell(i + 1), v, numFmts[i]));
  return row;
}

/** Bold header row, Chinese with English beside, frozen below. */
export function header(sheet: Worksheet, titles: string[], widths: number[]): void {
  const row = addRow(sheet, titles);
  row.font = { bold: true };
  sheet.columns.forEach((c, i) => (c.width = widths[i] ?? 14));
  sheet.views = [{ state: 'frozen', ySplit: row.number }];
}
