import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from '../app/exit-codes.js';
import { HELP, NO_COLOR, configOption } from './help.js';

/**
 * The command line: commander's program and one run of it. Only commander is loaded up front: each
 * command's implementation (and with it zod, yaml, the checks, the SDKs) is imported when that command
 * runs, so `--help` stays fast. The process starts in bin.ts; entry.ts runs it in-process (tests).
 */
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const list = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
const wantsJson = (argv: readonly string[]) => argv.includes('--json') || argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'));

async function act(argv: readonly string[], verbose: boolean, body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (error) {
    const { reportFailure } = await import('./failure.js');
    process.exitCode = reportFailure(error, { json: wantsJson(argv), verbose });
  }
}

export function buildProgram(argv: readonly string[]): Command {
  const program = new Command('invoice-doctor')
    .description('Can this invoice be sent right now, by email and/or SMS with a Stripe payment link? If not, exactly why and how to fix it.')
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // With --json, a usage error is reported as the JSON error object on stdout instead.
      writeErr: (text) => (wantsJson(argv) ? undefined : process.stderr.write(text)),
    })
    .addHelpText('after', HELP.program);

  program
    .command('check')
    .description('check whether invoices can be sent now, and why not')
    .argument('[ids...]', 'invoice ids to check')
    .option('--all', 'check every invoice (narrow with --account and --status)')
    .option('--account <id>', 'only invoices of this account')
    .option('--status <status>', 'only invoices with this status (draft, validated, sent, paid, void)')
    .addOption(new Option('--channel <channel>', 'channels to check (default: each account\'s channels)').choices(['email', 'sms', 'both']))
    .option('--only <ids>', 'run only these checks or categories (comma-separated; repeatable)', list)
    .option('--skip <ids>', 'skip these checks or categories (comma-separated; repeatable)', list)
    .option('--offline', 'skip checks that need the network')
    .option('--timeout <ms>', 'per-check timeout in milliseconds', '10000')
    .option('--strict', 'treat warnings as failures')
    .option('--sequential', 'run one check at a time (debugging, benchmarks); default: independent checks run concurrently')
    .addOption(new Option('--format <format>', 'output format (ndjson: a line per invoice, then a summary line; junit: JUnit XML for CI; markdown: a masked report for a support ticket)').choices(['human', 'json', 'ndjson', 'junit', 'markdown']).default('human'))
    .option('--json', 'same as --format json')
    .addOption(new Option('--fail-on <level>', 'the least severe result that makes the exit non-zero: warn, fail (failures and undetermined checks) or error (only undetermined checks)').choices(['warn', 'fail', 'error']).default('fail'))
    .option('--output <file>', 'write the report to a file instead of standard output')
    .addOption(configOption()).option('--verbose', 'debug lines and stack traces on standard error').option('--no-color', NO_COLOR)
    .action((ids: string[], opts) => act(argv, Boolean(opts.verbose), async () => (await import('./check.js')).checkCommand(ids, opts)));

  program
    .command('send')
    .description('send the invoice with its payment link by email and/or SMS, at most once per channel')
    .argument('[id]', 'the invoice id (or --all)')
    .option('--all', 'send every invoice with --status (default: validated), narrowed by --account; invoices failing the checks are skipped and listed')
    .option('--account <id>', 'with --all: only invoices of this account')
    .option('--status <status>', 'with --all: only invoices with this status (default: validated)')
    .option('--concurrency <n>', 'with --all: invoices sent at once (default: 4)')
    .option('--channel <channels>', 'email, sms or both, comma-separated (default: the account\'s channels)', list)
    .option('--to-email <address>', 'send the email to this address instead of the one on file (validated like the recipient checks)')
    .option('--to-phone <number>', 'send the SMS to this number instead of the one on file (validated like the recipient checks)')
    .option('--message <text>', `a short note added to the messages (at most 160 characters)`)
    .option('--dry-run', 'render everything and show what would be created and sent; write nothing')
    .option('--yes', 'send without asking (required when not in an interactive terminal)')
    .option('--resend', 'send again on channels already sent (and past an email whose delivery is unconfirmed)')
    .option('--timeout <ms>', 'per-check and per-request timeout in milliseconds', '10000')
    .option('--json', 'machine-readable result')
    .addOption(configOption()).option('--verbose', 'debug lines and stack traces on standard error').option('--no-color', NO_COLOR)
    .addHelpText('after', HELP.send)
    .action((id: string | undefined, opts) => act(argv, Boolean(opts.verbose), async () => (await import('./send.js')).sendCommand(id, opts)));

  program
    .command('status')
    .description('what was sent for an invoice, when and to whom; whether it arrived; whether it was paid')
    .argument('<id>', 'the invoice id')
    .option('--offline', 'report from the journal only; do not ask Twilio or Stripe')
    .option('--timeout <ms>', 'per-request timeout in milliseconds', '10000')
    .option('--json', 'machine-readable status')
    .addOption(configOption()).option('--verbose', 'stack traces on errors').option('--no-color', NO_COLOR)
    .addHelpText('after', HELP.status)
    .action((id: string, opts) => act(argv, Boolean(opts.verbose), async () => (await import('./status.js')).statusCommand(id, opts)));

  program
    .command('settle')
    .description('record the outcome of a send that could not be confirmed, once a person has verified it')
    .argument('<id>', 'the invoice id')
    .option('--channel <channel>', 'the channel whose outcome was verified: email or sms')
    .option('--as <outcome>', 'what was verified: sent (it will not be sent again) or not-sent (the next send sends it once)')
    .option('--note <text>', 'why, in a few words (a ticket number, "customer confirmed by phone"); kept in the journal')
    .option('--json', 'machine-readable result')
    .addOption(configOption()).option('--verbose', 'stack traces on errors').option('--no-color', NO_COLOR)
    .addHelpText('after', HELP.settle)
    .action((id: string, opts) => act(argv, Boolean(opts.verbose), async () => (await import('./settle.js')).settleCommand(id, opts)));

  program
    .command('journal')
    .description('the outbox (send history): `journal export` prints every record, for audits')
    .command('export')
    .description('print every record of the outbox in the order written, one redacted JSON object per line')
    .option('--format <format>', 'jsonl (the only format)', 'jsonl')
    .option('--config <file>', 'configuration file (default: $INVOICE_DOCTOR_CONFIG, then ./invoice-doctor.yaml)')
    .option('--verbose', 'stack traces on errors')
    .addHelpText('after', `
Exit codes: 0 exported (an outbox never written exports nothing) · 2 usage or configuration error · 3 the outbox cannot be read or is damaged`)
    .action((opts) => act(argv, Boolean(opts.verbose), async () => (await import('./journal.js')).journalExportCommand(opts)));

  program
    .command('checks')
    .description('list the check catalogue')
    .option('--json', 'machine-readable list')
    .addOption(configOption('include plugin checks from this configuration')).option('--verbose', 'stack traces on errors').option('--no-color', 'plain output without colours')
    .action((opts) => act(argv, Boolean(opts.verbose), async () => (await import('./checks.js')).checksCommand(opts)));

  program
    .command('explain')
    .description('what a check verifies, the article step it mirrors, and how to fix each of its codes')
    .argument('<check-id|CODE>', 'a check id (invoice.status) or a result code (INVOICE_DRAFT)')
    .option('--json', 'machine-readable explanation')
    .addOption(configOption('include plugin checks and your remediation overrides from this configuration')).option('--verbose', 'stack traces on errors').option('--no-color', 'plain output without colours')
    .action((subject: string, opts) => act(argv, Boolean(opts.verbose), async () => (await import('./explain.js')).explainCommand(subject, opts)));

  return program;
}

/**
 * Parses `args` (the arguments after the command name) and runs the command; resolves with the exit code.
 * The commands set process.exitCode, which this reads back: entry.ts resets and restores it around a run.
 */
export async function main(args: readonly string[]): Promise<number> {
  const program = buildProgram(args);
  try {
    await program.parseAsync(args as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return EXIT.INPUT; // no command given: the help went to stderr
      const { reportFailure, usageError } = await import('./failure.js');
      return reportFailure(usageError(error.message), { json: wantsJson(args), verbose: false, alreadyPrinted: !wantsJson(args) });
    }
    throw error;
  }
  return Number(process.exitCode ?? EXIT.OK);
}
