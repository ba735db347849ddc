import { InputError } from '../errors.js';
import { redactor } from '../config/redact.js';
import type { Account } from '../config/load.js';
import { recipientEmail, recipientPhone, type Invoice } from '../data/model.js';
import { parsePhone } from '../data/phone.js';
import { runChecks } from '../engine/runner.js';
import { checkExitCode, sendExitCode, SIGNAL_EXIT } from '../app/exit-codes.js';
import { parseStripeKey } from '../providers/stripe-key.js';
import { renderHuman } from '../report/human.js';
import { makeChalk } from '../report/style.js';
import { renderSendHuman, renderSendPlan, sendJson, type SendView } from '../report/send.js';
import { createAccountFacts, SAMPLE_PAYMENT_LINK } from '../engine/facts.js';
import { describeFault } from '../providers/fault.js';
import type { SendHistory } from '../send/history.js';
import { renderEmail, renderSms, paymentsEnabled } from '../send/render.js';
import { analyzeSms } from '../send/sms-encoding.js';
import type { DeliveryChannel } from '../send/events.js';
import { setup } from '../app/setup.js';
import { parseTimeout } from './options.js';
import { loadOneInvoice } from '../app/invoices.js';
import { writeErr, writeOut } from './output.js';
import { confirm, interactive } from './confirm.js';
import { onInterrupt } from './interrupt.js';

export interface SendOptions {
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

/** The article's "short message": one SMS segment's worth, so it cannot push the text over the limits. */
export const NOTE_MAX = 160;

/**
 * `send <id>`: gate → review → payment link → messages, each channel at most once. Nothing is written
 * (no journal line, no request that writes) before the gate passed and the user (or --yes) confirmed.
 */
export async function sendCommand(id: string, opts: SendOptions): Promise<number> {
  const timeoutMs = parseTimeout(opts.timeout);
  const note = parseNote(opts.message);
  const { loaded, registry, catalog } = await setup({ config: opts.config, requireConfig: true });
  const config = loaded!;
  const found = await loadOneInvoice(config, id);
  const account = config.accounts.get(found.accountId)!;
  const channels = parseChannels(opts.channel, account, opts);
  const invoice = withRecipients(found, opts);
  const journalFile = config.config.journal;
  const chalk = makeChalk({ color: opts.color, tty: Boolean(process.stdout.isTTY) });
  const print = (view: SendView, code: number) => {
    const safe = redactor.redactValue(view);
    writeOut(opts.json ? `${JSON.stringify(sendJson(safe, code), null, 2)}\n` : renderSendHuman(safe, chalk));
    return code;
  };
  const base: SendView = { invoice, account, channels, journal: journalFile, dryRun: Boolean(opts.dryRun), outcome: 'sent', results: [], journalProblems: [] };

  // 1. Already sent? A re-run does nothing, asks nothing, and says when.
  const { readHistory } = await import('../send/read-history.js');
  const before = await readHistory(journalFile, invoice.id);
  const { channelState, settledNote } = await import('../send/history.js');
  const pending = channels.filter((c) => opts.resend || channelState(before.history.attempts[c]).kind !== 'sent');
  const already = channels.filter((c) => !pending.includes(c));
  const alreadyResults = already.map((c) => {
    const s = channelState(before.history.attempts[c]);
    const a = s.kind === 'sent' ? s.attempt : undefined;
    return { channel: c, status: 'already_sent' as const, to: a?.intent.to ?? '', at: a?.result?.at, messageId: a?.result?.messageId ?? a?.intent.messageId, sid: a?.result?.sid, file: a?.result?.file, response: a?.result?.response, note: settledNote(a) };
  });
  if (pending.length === 0) return print({ ...base, outcome: 'already_sent', results: alreadyResults, journalProblems: before.problems }, 0);

  // 1b. Already paid? The link this send would reuse was paid: the invoice is settled, and sending the link
  // again would ask the customer to pay a second time (the link, limited to one payment, would refuse it).
  const paid = await paidLink(account, before.history, invoice, timeoutMs, opts.verbose ? (line) => writeErr(`[debug] ${line}\n`) : undefined);
  if (paid) return print({ ...base, channels: pending, outcome: 'refused', paid, results: alreadyResults, journalProblems: before.problems }, 1);

  // 2. The gate: the same checks as `check`, for the channels still to send, on the messages as they will go out.
  const selected = new Set([...registry.select(undefined, new Set())].filter((c) => registry.get(c)?.category !== 'delivery'));
  const gate = await runChecks(registry, [invoice], config.accounts, catalog, {
    channels: pending,
    selected,
    skipped: new Set(),
    offline: false,
    timeoutMs,
    strict: false,
    concurrency: 1,
    verbose: Boolean(opts.verbose),
    note,
    dns: config.config.dns && { servers: config.config.dns.servers, timeoutMs: config.config.dns.timeout_ms },
    log: opts.verbose ? (line) => writeErr(`[debug] ${line}\n`) : undefined,
  });
  const gateReport = gate.results[0]!;
  const gateCode = checkExitCode(gate.results);
  if (gateCode !== 0) {
    const view: SendView = { ...base, channels: pending, outcome: 'refused', gate: gateReport, results: [], journalProblems: before.problems };
    if (opts.json) return print(view, gateCode);
    writeOut(renderHuman(redactor.redactValue(gate), { chalk, invoices: new Map([[invoice.id, invoice]]), accounts: config.accounts, offline: false, width: process.stdout.isTTY ? process.stdout.columns ?? 100 : 100 }));
    writeOut(`\n${chalk.red.bold('Nothing was sent:')} ${gateCode === 1 ? 'a check above failed; fix it and run send again.' : 'a check above could not be completed (a service did not answer); run send again shortly.'}\n`);
    return gateCode;
  }

  const to = {
    email: pending.includes('email') ? recipientEmail(invoice) : undefined,
    phone: pending.includes('sms') ? (await parsePhone(recipientPhone(invoice)!, account.country)).e164 : undefined,
  };
  const live = isLive(account);
  const plan = previewPlan(invoice, account, pending, to, note, before);

  // 3. Dry run: everything rendered, nothing written.
  if (opts.dryRun) return print({ ...base, channels: pending, outcome: 'dry_run', gate: gateReport, plan, live, results: alreadyResults, journalProblems: before.problems }, 0);

  // 4. Review: a person confirms; a script opts in with --yes.
  if (!opts.yes) {
    if (!interactive()) {
      throw new InputError('USAGE', `Refusing to send ${invoice.id} without confirmation: not running in an interactive terminal${live ? ' (and the Stripe key is LIVE: the customer can be charged)' : ''}.`, {
        hint: 'Review with --dry-run, then pass --yes to send from a script.',
      });
    }
    writeErr(renderSendPlan(redactor.redactValue({ ...base, channels: pending, outcome: 'dry_run', plan, live, results: [], journalProblems: [] }), chalk));
    const question = live ? `${chalk.yellow.bold('LIVE Stripe key:')} this creates a real payment link the customer can pay. Send now? [y/N] ` : 'Send now? [y/N] ';
    if (!(await confirm(question))) {
      writeErr('Cancelled: nothing was sent.\n');
      return 1;
    }
  }

  // 5. Send, at most once per channel. A first Ctrl-C / SIGTERM lets the channel in flight finish and record
  // its result, starts nothing more, and exits 130 / 143 after the report; a second one exits at once.
  const { executeSend } = await import('../send/execute.js');
  const interrupt = onInterrupt({
    boundMs: 2 * timeoutMs + 2_000,
    onFirst: (signal) => writeErr(`\nStopping (${signal}): finishing the delivery in flight and recording its result; nothing more is started. ${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again exits at once.\n`),
  });
  let report: Awaited<ReturnType<typeof executeSend>>;
  try {
    report = await executeSend({ invoice, account, channels: pending, to, note, resend: Boolean(opts.resend), journalFile, timeoutMs, stop: interrupt.signal });
  } finally {
    interrupt.dispose();
  }
  const results = [...alreadyResults, ...report.channels];
  const view: SendView = { ...base, outcome: 'sent', gate: gateReport, live, link: report.link, linkError: report.linkError, results, journalProblems: report.journalProblems, reclaimedLock: report.reclaimedLock };
  // A channel the signal kept from starting is provably unsent: it makes the send neither failed nor unknown.
  const notStarted = report.channels.filter((c) => c.error?.kind === 'interrupted');
  const code = sendExitCode({ ...view, results: results.filter((r) => !notStarted.includes(r)) });
  view.outcome = notStarted.length > 0 && notStarted.length === report.channels.length ? 'failed' : code === 0 ? (report.channels.every((c) => c.status === 'already_sent') ? 'already_sent' : 'sent') : code === 1 ? 'failed' : 'unknown';
  if (interrupt.which) {
    // The report says what went out and what was not started; the exit code says a signal stopped it.
    print(view, SIGNAL_EXIT[interrupt.which]);
    return SIGNAL_EXIT[interrupt.which];
  }
  return print(view, code);
}

/** The reusable link for the amount due, when Stripe says a customer paid it. A failed read is left to the gate. */
export async function paidLink(account: Account, history: SendHistory, invoice: Invoice, timeoutMs: number, log?: (line: string) => void): Promise<SendView['paid']> {
  if (account.payments.provider !== 'stripe' || !account.payments.stripe?.secret_key?.trim()) return undefined;
  const { reusableLink } = await import('../send/history.js');
  const link = reusableLink(history, invoice.amountDue, invoice.currency)?.link;
  if (!link) return undefined;
  const read = await createAccountFacts(account, { timeoutMs, prefetch: false }).linkPayments(link.id);
  if (!read.ok) {
    log?.(`could not ask Stripe whether ${link.url} was paid (${describeFault(read.fault)}); the gate decides`);
    return undefined;
  }
  return read.value.paid ? { url: link.url, paidAt: read.value.paidAt } : undefined;
}

export function parseNote(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  const note = message.trim();
  if (note === '') return undefined;
  // eslint-disable-next-line no-control-regex -- the note is refused when it holds control characters
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(note)) throw new InputError('USAGE', '--message: control characters are not allowed in the message.');
  const { characters, encoding } = analyzeSms(note);
  if (characters > NOTE_MAX) {
    throw new InputError('USAGE', `--message is ${characters} characters; at most ${NOTE_MAX} are allowed (a short note that keeps the SMS within its limits).`, { hint: 'Shorten the message, or put longer wording in the templates of the configuration.' });
  }
  void encoding;
  return note;
}

export function parseChannels(requested: string[] | undefined, account: Account, opts: Pick<SendOptions, "toEmail" | "toPhone">): DeliveryChannel[] {
  const list = requested?.length ? requested : account.channels;
  const channels: DeliveryChannel[] = [];
  for (const c of list) {
    const name = c === 'both' ? ['email', 'sms'] : [c];
    for (const n of name) {
      if (n !== 'email' && n !== 'sms') throw new InputError('USAGE', `--channel ${c}: expected email, sms, or both (comma-separated: email,sms).`);
      if (!channels.includes(n)) channels.push(n);
    }
  }
  if (opts.toEmail !== undefined && !channels.includes('email')) throw new InputError('USAGE', '--to-email was given, but email is not among the channels to send.', { hint: 'Add --channel email (or email,sms).' });
  if (opts.toPhone !== undefined && !channels.includes('sms')) throw new InputError('USAGE', '--to-phone was given, but sms is not among the channels to send.', { hint: 'Add --channel sms (or email,sms).' });
  return channels.sort();
}

/** The article's step 5: the recipient overridden for this send only; the checks validate the override. */
function withRecipients(invoice: Invoice, opts: SendOptions): Invoice {
  if (opts.toEmail === undefined && opts.toPhone === undefined) return invoice;
  return { ...invoice, sendTo: { ...invoice.sendTo, ...(opts.toEmail !== undefined ? { email: opts.toEmail.trim() } : {}), ...(opts.toPhone !== undefined ? { phone: opts.toPhone.trim() } : {}) } };
}

export function isLive(account: Account): boolean {
  const key = account.payments.provider === 'stripe' ? account.payments.stripe?.secret_key : undefined;
  return key !== undefined && parseStripeKey(key)?.mode === 'live';
}

export function previewPlan(invoice: Invoice, account: Account, channels: DeliveryChannel[], to: { email?: string; phone?: string }, note: string | undefined, before: Awaited<ReturnType<typeof import('../send/read-history.js').readHistory>>): NonNullable<SendView['plan']> {
  const existing = [...before.history.links].reverse().find((l) => l.amount === invoice.amountDue && l.currency.toUpperCase() === invoice.currency.toUpperCase());
  const link = paymentsEnabled(account) ? existing?.link?.url ?? SAMPLE_PAYMENT_LINK : undefined;
  const email = channels.includes('email') ? renderEmail({ account, invoice, paymentLink: link, note }) : undefined;
  const sms = channels.includes('sms') ? renderSms({ account, invoice, paymentLink: link, note }) : undefined;
  const smsTransport = account.sms?.transport === 'file' ? `file (${account.sms.file?.dir})` : account.sms?.twilio?.messaging_service_sid ? `Twilio messaging service ${account.sms.twilio.messaging_service_sid}` : `Twilio from ${account.sms?.twilio?.from}`;
  return {
    link: paymentsEnabled(account) ? { action: existing ? 'reuse' : 'create', url: existing?.link?.url, amount: invoice.amountDue, currency: invoice.currency, connectedAccount: account.payments.stripe?.account } : undefined,
    email: email && { from: account.email?.from ?? '', to: to.email!, via: account.email?.transport === 'file' ? `file (${account.email.file?.dir})` : account.email?.transport ?? '', subject: email.subject.output, text: email.text.output },
    sms: sms && { to: to.phone!, via: smsTransport, body: sms.output, segments: analyzeSms(sms.output).segments },
  };
}
