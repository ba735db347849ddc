import { InputError } from '../errors.js';
import { redactor } from '../config/redact.js';
import { runCheck } from '../app/check.js';
import type { FailOn } from '../app/exit-codes.js';
import { createReporter, type Format } from '../report/reporter.js';
import type { Masker } from '../report/mask.js';
import { bufferedOut, writeErr, writeOut, writeReportFile } from './output.js';
import { startProgress, type Progress } from './progress.js';
import { onInterrupt } from './interrupt.js';
import { debugLog, parseTimeout } from './options.js';

export interface CheckOptions {
  all?: boolean;
  account?: string;
  status?: string;
  channel?: 'email' | 'sms' | 'both';
  only?: string[];
  skip?: string[];
  offline?: boolean;
  timeout: string;
  strict?: boolean;
  sequential?: boolean;
  format: Format;
  json?: boolean;
  failOn?: FailOn;
  output?: string;
  config?: string;
  verbose?: boolean;
  color?: boolean;
}

/** `check`: options → the check use case → the reporter chosen by --format, on standard output or --output. */
export async function checkCommand(ids: string[], opts: CheckOptions): Promise<number> {
  if (opts.json && opts.format !== 'human' && opts.format !== 'json') {
    throw new InputError('USAGE', `--json and --format ${opts.format} ask for two formats; give one.`, { hint: '--json is short for --format json.' });
  }
  const reporter = await createReporter(opts.json ? 'json' : opts.format, {
    batch: Boolean(opts.all),
    toFile: Boolean(opts.output),
    color: opts.color,
    tty: Boolean(process.stdout.isTTY),
    columns: process.stdout.columns,
  });
  try {
    return await check(ids, opts, reporter);
  } catch (error) {
    // A reader of the format may get a line it can parse for what stopped the run (exit 2); the message goes to stderr too.
    const line = error instanceof InputError ? await reporter.error(error) : undefined;
    if (line) writeOut(line);
    throw error;
  }
}

async function check(ids: string[], opts: CheckOptions, reporter: Awaited<ReturnType<typeof createReporter>>): Promise<number> {
  const failOn: FailOn = opts.failOn ?? 'fail';
  const timeoutMs = parseTimeout(opts.timeout);
  const github = process.env.GITHUB_ACTIONS === 'true';
  const lines = bufferedOut();
  let progress: Progress | undefined;
  const interrupt = onInterrupt();
  let outcome: Awaited<ReturnType<typeof runCheck>>;
  try {
    outcome = await runCheck({
      ids,
      all: Boolean(opts.all),
      account: opts.account,
      status: opts.status,
      channel: opts.channel,
      only: opts.only,
      skip: opts.skip,
      offline: Boolean(opts.offline),
      timeoutMs,
      strict: Boolean(opts.strict),
      sequential: Boolean(opts.sequential),
      failOn,
      config: opts.config,
      verbose: Boolean(opts.verbose),
      // Streamed results are not kept, unless the GitHub annotations need them at the end.
      keepResults: !reporter.streams || github,
      stop: interrupt.signal,
    }, {
      started: async (run) => {
        reporter.begin({ invoices: run.invoices, accounts: run.accounts, offline: Boolean(opts.offline) });
        if (reporter.progress) progress = await startProgress(run.expected());
      },
      result: (r, done, expected) => {
        progress?.update(done, expected(), r);
        if (reporter.streams === 'lines') lines.write(reporter.invoice(r));
        else if (reporter.streams === 'blocks') (progress ? progress.print : writeOut)(reporter.invoice(r));
      },
      debug: debugLog(opts.verbose, writeErr),
    });
  } finally {
    lines.flush();
    progress?.stop();
  }

  // Redact the values before they are serialised or wrapped: JSON escaping or a line break inside a
  // secret would hide it from a redactor that only sees the final text.
  const safe = redactor.redactValue(outcome.report);
  const warningsFail = Boolean(opts.strict) || failOn === 'warn';
  let masker: Promise<Masker> | undefined;
  const maskerOnce = () => (masker ??= import('../report/mask.js').then((m) => m.createMasker([...outcome.invoices.values()], outcome.accounts)));
  const text = await reporter.end({ report: safe, notReady: outcome.notReady, strict: Boolean(opts.strict), warningsFail, interrupted: outcome.interrupted, startedAt: outcome.startedAt, wallMs: outcome.wallMs, masker: maskerOnce });
  const n = outcome.report.summary.invoices;
  if (outcome.interrupted) writeErr(`Interrupted (${outcome.interrupted}) after ${n} invoice${n === 1 ? '' : 's'}: the report covers only those; the others were not checked.\n`);
  if (opts.output) {
    writeReportFile(opts.output, text);
    writeErr(`Report written to ${opts.output}\n`);
  } else {
    writeOut(text);
  }
  // In GitHub Actions, the problems also become annotations, on standard error (never mixed into the report).
  if (github) {
    const { renderAnnotations } = await import('../report/github.js');
    writeErr(renderAnnotations(safe, { warningsFail, masker: await maskerOnce(), reportLocation: opts.output ?? "the step's log" }));
  }
  return outcome.exitCode;
}
