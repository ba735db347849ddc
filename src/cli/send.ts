import { InputError } from '../errors.js';
import { redactor } from '../config/redact.js';
import { summarize } from '../engine/readiness.js';
import { checkTarget, sendInvoices, type SendEvents, type SendOutcome, type SendRequest } from '../app/send.js';
import { BATCH_DEFAULTS, isLive } from '../app/send-parts.js';
import { renderHuman } from '../report/human.js';
import { makeChalk } from '../report/style.js';
import { renderSendHuman, renderSendPlan, sendJson } from '../report/send.js';
import { writeErr, writeOut } from './output.js';
import { confirm, interactive } from './confirm.js';
import { onInterrupt, type Interrupt } from './interrupt.js';
import { debugLog, parseConcurrency, parseNote, parseTimeout } from './options.js';

export interface SendOptions {
  all?: boolean;
  account?: string;
  status?: string;
  concurrency?: string;
  channel?: string[];
  toEmail?: string;
  toPhone?: string;
  message?: string;
  dryRun?: boolean;
  yes?: boolean;
  resend?: boolean;
  json?: boolean;
  config?: string;
  timeout: string;
  verbose?: boolean;
  color?: boolean;
}

/** A way to show a send: what it says while the service runs (events), and the report at the end. */
export interface SendScreen {
  events: SendEvents;
  stop: AbortSignal;
  end(outcome: SendOutcome): number;
  dispose(): void;
}

/**
 * `send <id>` and `send --all`: the options → the send service (src/app/send.ts) → the report of one
 * invoice (here) or of a batch (send-batch.ts).
 */
export async function sendCommand(id: string | undefined, opts: SendOptions): Promise<number> {
  if (id !== undefined && opts.all) throw new InputError('USAGE', 'Give either an invoice id or --all, not both.', { hint: 'To send some invoices of an account, use --all --account ACCOUNT.' });
  if (!opts.all && id === undefined) throw new InputError('USAGE', 'Name the invoice to send (invoice-doctor send INV-1001), or pass --all.', { hint: 'Batch: invoice-doctor send --all --status validated --dry-run' });
  if (!opts.all) {
    for (const [flag, value] of [['--account', opts.account], ['--status', opts.status], ['--concurrency', opts.concurrency]] as const) {
      if (value !== undefined) throw new InputError('USAGE', `${flag} only applies with --all.`);
    }
  }
  const target: SendRequest['target'] = opts.all ? { all: true, account: opts.account, status: opts.status } : { id: id! };
  checkTarget({ target, toEmail: opts.toEmail, toPhone: opts.toPhone, resend: Boolean(opts.resend) });
  const concurrency = parseConcurrency(opts.concurrency, BATCH_DEFAULTS.concurrency);
  const timeoutMs = parseTimeout(opts.timeout);
  const note = await parseNote(opts.message);
  // A batch refuses before anything is read: a script without a terminal must opt in.
  if (opts.all && !opts.dryRun && !opts.yes && !interactive()) {
    throw new InputError('USAGE', 'Refusing to send a batch without confirmation: not running in an interactive terminal.', { hint: 'Review with --dry-run, then pass --yes to send from a script.' });
  }
  const screen = opts.all ? (await import('./send-batch.js')).batchScreen(opts, timeoutMs) : oneInvoiceScreen(opts, timeoutMs);
  try {
    const outcome = await sendInvoices({
      target, channels: opts.channel, toEmail: opts.toEmail, toPhone: opts.toPhone, note, dryRun: Boolean(opts.dryRun), resend: Boolean(opts.resend),
      timeoutMs, concurrency, config: opts.config, verbose: Boolean(opts.verbose), stop: screen.stop,
    }, screen.events);
    return screen.end(outcome);
  } finally {
    screen.dispose();
  }
}

/** One invoice: the review shown before the question, a graceful stop while sending, then its report. */
function oneInvoiceScreen(opts: SendOptions, timeoutMs: number): SendScreen {
  const chalk = makeChalk({ color: opts.color, tty: Boolean(process.stdout.isTTY) });
  const stop = new AbortController();
  let interrupt: Interrupt | undefined;
  const events: SendEvents = {
    confirm: async ([item], preview) => {
      if (opts.yes) return true;
      const live = isLive(item!.account);
      if (!interactive()) {
        throw new InputError('USAGE', `Refusing to send ${item!.invoice.id} without confirmation: not running in an interactive terminal${live ? ' (and the Stripe key is LIVE: the customer can be charged)' : ''}.`, {
          hint: 'Review with --dry-run, then pass --yes to send from a script.',
        });
      }
      writeErr(renderSendPlan(redactor.redactValue({ ...preview(item!), results: [], journalProblems: [] }), chalk));
      return confirm(live ? `${chalk.yellow.bold('LIVE Stripe key:')} this creates a real payment link the customer can pay. Send now? [y/N] ` : 'Send now? [y/N] ');
    },
    // A first Ctrl-C / SIGTERM lets the channel in flight finish and record its result, starts nothing more,
    // and exits 130 / 143 after the report; a second one exits at once. Before sending, a signal ends the process.
    sending: () => {
      interrupt = onInterrupt({
        boundMs: 2 * timeoutMs + 2_000,
        onFirst: (signal) => writeErr(`\nStopping (${signal}): finishing the delivery in flight and recording its result; nothing more is started. ${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again exits at once.\n`),
      });
      interrupt.signal.addEventListener('abort', () => stop.abort(interrupt!.signal.reason), { once: true });
    },
    debug: debugLog(opts.verbose, writeErr),
    notice: (line) => writeErr(`${line}\n`),
  };
  return {
    events,
    stop: stop.signal,
    dispose: () => interrupt?.dispose(),
    end(outcome) {
      if (outcome.cancelled) {
        writeErr('Cancelled: nothing was sent.\n');
        return outcome.exitCode;
      }
      const item = outcome.items[0]!;
      const view = item.view!;
      if (view.outcome === 'refused' && view.gate && !opts.json) {
        // Refused by the gate: the checks' own report says what to fix.
        const gate = { ...summarize([view.gate]), results: [view.gate] };
        writeOut(renderHuman(redactor.redactValue(gate), { chalk, invoices: new Map([[item.invoice.id, item.invoice]]), accounts: new Map([[item.account.id, item.account]]), offline: false, width: process.stdout.isTTY ? process.stdout.columns ?? 100 : 100 }));
        writeOut(`\n${chalk.red.bold('Nothing was sent:')} ${outcome.exitCode === 1 ? 'a check above failed; fix it and run send again.' : 'a check above could not be completed (a service did not answer); run send again shortly.'}\n`);
        return outcome.exitCode;
      }
      const safe = redactor.redactValue(view);
      writeOut(opts.json ? `${JSON.stringify(sendJson(safe, outcome.exitCode), null, 2)}\n` : renderSendHuman(safe, chalk));
      return outcome.exitCode;
    },
  };
}
