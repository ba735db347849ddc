import { redactor } from '../config/redact.js';
import { createAccountFacts } from '../engine/facts.js';
import { personalize } from '../engine/runner.js';
import { channelDelivery, paymentState } from '../send/delivery.js';
import { readHistory } from '../send/read-history.js';
import { statusExitCode } from '../app/exit-codes.js';
import { renderStatusHuman, statusJson, type StatusView } from '../report/status.js';
import { makeChalk } from '../report/style.js';
import type { RemediationCatalog } from '../remediation/catalog.js';
import { setup } from '../app/setup.js';
import { parseTimeout } from './options.js';
import { loadOneInvoice } from '../app/invoices.js';
import { writeOut } from './output.js';

export interface StatusOptions {
  json?: boolean;
  offline?: boolean;
  config?: string;
  timeout: string;
  verbose?: boolean;
  color?: boolean;
}

/** `status <id>`: what was sent, when, to whom, on which channel; whether it arrived; whether it was paid. */
export async function statusCommand(id: string, opts: StatusOptions): Promise<number> {
  const timeoutMs = parseTimeout(opts.timeout);
  const { loaded, catalog } = await setup({ config: opts.config, requireConfig: true });
  const config = loaded!;
  const invoice = await loadOneInvoice(config, id);
  const account = config.accounts.get(invoice.accountId)!;
  const { history, problems } = await readHistory(config.config.journal, invoice.id);
  const facts = createAccountFacts(account, { timeoutMs });
  const lookups = opts.offline ? {} : { twilioMessage: facts.twilioMessage, linkPayments: account.payments.provider === 'stripe' ? facts.linkPayments : undefined };
  const [email, sms, payment] = await Promise.all([channelDelivery('email', history, lookups), channelDelivery('sms', history, lookups), paymentState(history, lookups)]);
  const view: StatusView = {
    invoice,
    account,
    journal: config.config.journal,
    offline: Boolean(opts.offline),
    history,
    channels: [email, sms],
    payment,
    remediation: remediationFor([email.code, sms.code], catalog, account.id, invoice.id),
    journalProblems: problems,
  };
  const safe = redactor.redactValue(view);
  const code = statusExitCode(safe);
  writeOut(opts.json ? `${JSON.stringify(statusJson(safe, code), null, 2)}\n` : renderStatusHuman(safe, makeChalk({ color: opts.color, tty: Boolean(process.stdout.isTTY) })));
  return code;
}

function remediationFor(codes: (string | undefined)[], catalog: RemediationCatalog, accountId: string, invoiceId: string): StatusView['remediation'] {
  const out: StatusView['remediation'] = {};
  for (const code of codes) {
    if (!code) continue;
    const r = catalog.lookup(code);
    if (r) out[code] = { ...r, steps: r.steps.map((step) => personalize(step, accountId, invoiceId)) };
  }
  return out;
}
