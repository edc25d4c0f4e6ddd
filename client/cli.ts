/**
 * `cycle`: the operator's command for the supervision cycle. Each sub-command
 * is a thin adapter in client/commands/ (parse flags, call the application
 * layer in app/, print). `--as` is trusted as given: this is a tool for people
 * who already hold Temporal credentials; staff use the web door.
 *
 * Exit codes: 0 done; 1 bad input (arguments, plan or values file);
 * 2 refused by the cycle (not allowed, wrong phase, period not open);
 * 3 not found (no such cycle); 4 cannot reach Temporal; 5 internal error.
 */
import { Command, CommanderError } from 'commander';
import { AppError } from '../app/errors';
import { ConfigError } from '../infra/config';
import { DocumentError } from './importer/extract';
import { ValuesWorkbookError } from './excel/valuesWorkbook';
import { PlanError } from './planLoader';
import * as appraisal from './commands/appraisal';
import * as boardCommands from './commands/board';
import * as groupDecisions from './commands/groupDecisions';
import * as officeReports from './commands/officeReports';
import * as plans from './commands/plans';
import * as read from './commands/read';
import * as simulate from './commands/simulate';
import { CliError, commandEnv, EXIT, exitCodeOf, type Io } from './commands/support';


const stdio: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };

/** One line for every error a person can cause or meet; a stack trace only for a real bug. */
function report(e: unknown, io: Io): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.input;
  if (e instanceof CliError) {
    if (e.message) io.err(`error: ${e.message}`);
    return e.exitCode;
  }
  if (e instanceof AppError) {
    io.err(`${e.kind === 'refused' ? 'error: refused: ' : 'error: '}${e.kind === 'refused' && !e.message.startsWith(e.code) ? `${e.code}: ` : ''}${e.message}`);
    return exitCodeOf(e);
  }
  if (e instanceof PlanError) {
    io.err(e.message);
    return EXIT.input;
  }
  if (e instanceof ConfigError || e instanceof DocumentError || e instanceof ValuesWorkbookError) {
    io.err(`error: ${e.message}`);
    return EXIT.input;
  }
  io.err(`internal error: ${(e as Error).stack ?? String(e)}`);
  return EXIT.internal;
}

export async function runCli(argv: string[], io: Io = stdio): Promise<number> {
  const env = commandEnv(io);
  const program = new Command('cycle')
    .description('Run and use the performance-plan supervision cycle (operators; staff use the web door).')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nExit codes: 0 done, 1 bad input, 2 refused by the cycle, 3 not found, 4 cannot reach Temporal, 5 internal error.');
  for (const m of [plans, read, officeReports, groupDecisions, appraisal, simulate, boardCommands]) m.register(program, env);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    return report(e, io);
  } finally {
    await env.close();
  }
}
