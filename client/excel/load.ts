/**
 * exceljs, loaded when a workbook is first written or read: it takes about 0.3 s to load, and most
 * processes (npm start, the worker, the web door until someone downloads a template) never need it.
 */
import type ExcelJS from 'exceljs';

let loaded: Promise<typeof ExcelJS> | undefined;

export function loadExcel(): Promise<typeof ExcelJS> {
  loaded ??= import('exceljs').then((m) => (m as unknown as { default?: typeof ExcelJS }).default ?? (m as unknown as typeof ExcelJS));
  return loaded;
}
