/** `cycle board` and `cycle circular`: the performance office's ranking across units (绩效办排名与通报). */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadExcel } from '../excel/load';
import { board, circular, mailCircular } from '../../app/actions/board';
import { BOARD_HEAD, boardCells, type BoardRow } from '../../domain/board';
import { formatPath } from '../../domain/plan';
import { programmeSchema, type Programme } from '../../domain/programme';
import { smtpTransport } from '../../infra/connection';
import { addRow, header } from '../excel/cells';
import { CliError, EXIT, jsonOption, parsePeriod, parseYear, readDataFile, table, yearOption, type CommandEnv } from './support';

export function loadProgramme(file: string): Programme {
  const r = programmeSchema.safeParse(readDataFile(file, 'programme file'));
  if (!r.success) {
    const i = r.error.issues[0];
    throw new CliError(`programme file ${file}: ${formatPath(i.path)}: ${i.message}${r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : ''}`, EXIT.input);
  }
  return r.data;
}

export function boardText(rows: BoardRow[], gaps: { unitId: string; problem: string }[]): string {
  const t = rows.length ? table(BOARD_HEAD, rows.map(boardCells)) : 'no cycle of the programme could be read';
  return [t, ...gaps.map((g) => `not read: ${g.unitId}: ${g.problem}`)].join('\n');
}

async function workbook(rows: BoardRow[], title: string): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  const sheet = wb.addWorksheet('通报 circular');
  addRow(sheet, [title]).font = { bold: true };
  header(sheet, BOARD_HEAD, [8, 40, 12, 12, 8, 16, 8, 8, 8, 8, 12]);
  for (const r of rows) addRow(sheet, boardCells(r));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function register(program: Command, env: CommandEnv) {
  jsonOption(
    program
      .command('board')
      .description("the programme's units ranked by projected year-end score, with lights, late reports and missing targets")
      .requiredOption('--programme <file>', 'programme file (YAML/JSON), e.g. plans/programme.yaml')
      .addOption(yearOption()),
  ).action(async (o: { programme: string; year?: string; json?: boolean }) => {
    const programme = loadProgramme(o.programme);
    const b = await board(await env.app(), programme, parseYear(o.year));
    env.print(o.json, b, () => `${programme.office.name.zh} ${programme.office.name.en}: ${b.year}, ${b.rows.length} of ${programme.units.length} units\n\n${boardText(b.rows, b.gaps)}`);
  });

  jsonOption(
    program
      .command('circular')
      .description('write the ranking for a period as HTML, CSV and Excel, and mail it to the programme\'s recipients')
      .requiredOption('--programme <file>', 'programme file (YAML/JSON)')
      .requiredOption('--period <period>', 'the period the circular covers, e.g. 2026-Q3 or 2026-09')
      .requiredOption('--out <dir>', 'folder to write circular.html, circular.csv and circular.xlsx into')
      .option('--no-mail', 'write the files only'),
  ).action(async (o: { programme: string; period: string; out: string; mail: boolean; json?: boolean }) => {
    const programme = loadProgramme(o.programme);
    const { period, year } = parsePeriod(o.period);
    const c = await circular(await env.app(), programme, period, year);
    mkdirSync(o.out, { recursive: true });
    const base = `circular-${period}`;
    const files = { html: path.join(o.out, `${base}.html`), csv: path.join(o.out, `${base}.csv`), xlsx: path.join(o.out, `${base}.xlsx`) };
    writeFileSync(files.html, c.html);
    writeFileSync(files.csv, c.csv);
    writeFileSync(files.xlsx, await workbook(c.board.rows, c.title));
    let mailed: { status: string; accepted: string[] } | undefined;
    if (o.mail) {
      const cfg = env.config();
      const transport = smtpTransport(cfg.smtp.url ?? `smtp://127.0.0.1:${cfg.ports.smtpSink}`, { user: cfg.smtp.user, password: cfg.smtp.password });
      try {
        const attachments = [{ filename: path.basename(files.csv), path: files.csv }, { filename: path.basename(files.xlsx), path: files.xlsx }];
        mailed = await mailCircular(await env.app(), programme, period, c, { transport, from: programme.circular.from ?? cfg.mailFrom, attachments, text: boardText(c.board.rows, c.board.gaps) });
      } finally {
        transport.close?.();
      }
    }
    const said = !mailed ? 'not mailed (--no-mail)' : mailed.status === 'sent' ? `mailed to: ${mailed.accepted.join(', ')}` : `already mailed for ${period} (to ${mailed.accepted.join(', ')}); not sent again`;
    env.print(o.json, { files, mailed, rows: c.board.rows, gaps: c.board.gaps }, () => [`${c.title}`, boardText(c.board.rows, c.board.gaps), '', `written: ${Object.values(files).join(', ')}`, said].join('\n'));
  });
}
