import { displayJournal } from '../config/database-url.js';
import { createAccountFacts } from '../engine/facts.js';
import { personalize } from '../engine/runner.js';
import { channelDelivery, paymentState } from '../send/delivery.js';
import { readHistoryAt } from '../send/read-history.js';
import type { StatusView } from '../report/status.js';
import type { RemediationCatalog } from '../remediation/catalog.js';
import { statusExitCode } from './exit-codes.js';
import { loadOneInvoice } from './invoices.js';
import { setup } from './setup.js';

export interface StatusRequest {
  id: string;
  /** report from the journal only; do not ask Twilio or Stripe */
  offline: boolean;
  timeoutMs: number;
  config?: string;
}

/** `status <id>`: what was sent, when, to whom, on which channel; whether it arrived; whether it was paid. */
export async function invoiceStatus(request: StatusRequest): Promise<{ view: StatusView; exitCode: number }> {
  const { loaded, catalog } = await setup({ config: request.config, requireConfig: true });
  const config = loaded!;
  const invoice = await loadOneInvoice(config, request.id);
  const account = config.accounts.get(invoice.accountId)!;
  const { history, problems } = await readHistoryAt(config.config.journal, invoice.id, { outbox: config.config.outbox });
  const facts = createAccountFacts(account, { timeoutMs: request.timeoutMs });
  const lookups = request.offline ? {} : { twilioMessage: facts.twilioMessage, linkPayments: account.payments.provider === 'stripe' ? facts.linkPayments : undefined };
  const [email, sms, payment] = await Promise.all([channelDelivery('email', history, lookups), channelDelivery('sms', history, lookups), paymentState(history, lookups)]);
  const view: StatusView = {
    invoice,
    account,
    journal: displayJournal(config.config.journal),
    offline: request.offline,
    history,
    channels: [email, sms],
    payment,
    remediation: remediationFor([email.code, sms.code], catalog, account.id, invoice.id),
    journalProblems: problems,
  };
  return { view, exitCode: statusExitCode(view) };
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
