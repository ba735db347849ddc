import type { Account } from '../config/load.js';
import type { Invoice } from '../data/model.js';
import { recipientPhone } from '../data/model.js';
import { parsePhone, type PhoneFacts } from '../data/phone.js';
import { renderEmail, renderSms, paymentsEnabled, type Rendered, type RenderedEmail } from '../send/render.js';

/**
 * A payment link of typical length, used to render messages before a real link exists: segment counts
 * and length limits must be judged on the message as it will be sent, link included.
 */
export const SAMPLE_PAYMENT_LINK = 'https://buy.stripe.com/test_5kA7sN2Xb0Qq3cY6oo9AQ00';

/**
 * What checks may ask about the world. Every fact is computed at most once per scope in a run (once per
 * account for account facts, however many invoices), so checks can share one expensive read.
 */
export interface Facts {
  /** the email as the customer would receive it, rendered from the account's templates */
  emailMessage(): RenderedEmail;
  /** the SMS as the customer would receive it */
  smsMessage(): Rendered & { custom: boolean };
  /** the recipient's phone number, parsed with the account's country as default region */
  recipientPhone(): Promise<PhoneFacts | undefined>;
}

export type AccountFacts = Record<string, never>;

export function memo<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/** Account facts live for the whole run; one instance per account. */
export function createAccountFacts(_account: Account): AccountFacts {
  return {};
}

export function createInvoiceFacts(account: Account, invoice: Invoice | undefined, _accountFacts: AccountFacts): Facts {
  const need = (): Invoice => {
    if (!invoice) throw new Error('this fact needs an invoice; account-scoped checks cannot read invoice facts');
    return invoice;
  };
  const link = paymentsEnabled(account) ? SAMPLE_PAYMENT_LINK : undefined;
  return {
    emailMessage: memo(() => renderEmail({ account, invoice: need(), paymentLink: link })),
    smsMessage: memo(() => renderSms({ account, invoice: need(), paymentLink: link })),
    recipientPhone: memo(async () => {
      const phone = recipientPhone(need());
      return phone === undefined || phone.trim() === '' ? undefined : parsePhone(phone, account.country);
    }),
  };
}
