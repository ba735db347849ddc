import { installOutputBoundary, reportUncaughtErrors } from '../io/sink.js';
import { runCli } from './entry.js';

/** The process: bin/invoice-doctor.js loads this (bundled into dist/bundle/cli.js). */

// Before anything can print: every byte on stdout and stderr passes the redaction boundary.
installOutputBoundary();
reportUncaughtErrors();
// A reader that stops early (`| head`) closes the pipe: that is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await runCli(process.argv.slice(2));
// Exit once the report is out: a check that ignored its abort signal after a timeout must not keep the
// process alive. Waiting for an empty write flushes what is queued on a pipe first.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(process.exitCode ?? 0);
