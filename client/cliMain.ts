/** The `cycle` command's process entry. */
import { runCli } from './cli';

// A reader that stops early (`cycle … | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`internal error: ${(e as Error).stack ?? String(e)}`);
    process.exit(5);
  },
);
