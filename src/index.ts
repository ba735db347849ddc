/**
 * invoice-doctor's public API for plugin authors:
 *
 *   import { defineCheck } from 'invoice-doctor';
 *   export default defineCheck({ id: 'custom.po-number', … });
 */
export { defineCheck, checkShapeProblems, codeOf } from './engine/define-check.js';
export { reportFindings, type Finding } from './engine/findings.js';
export type {
  AccountContext, AnyCheck, BaseOutcomeBuilder, Category, Channel, CheckDefinition, CheckResult, CheckStatus, CodeMeta, ContextFor,
  FindingDetail, InvoiceContext, InvoiceReport, Outcome, Remediation, RunReport, Scope, Severity, Summary,
} from './engine/types.js';
export type { Facts, AccountFacts, InvoiceFacts } from './engine/facts.js';
export { configGaps, describeGaps, type ConfigGap } from './engine/config-gaps.js';
export { describeFault, isTransient, type Fault, type FaultKind, type Read } from './providers/fault.js';
export type { Invoice, Customer, Contact, InvoiceLine, InvoiceStatus } from './data/model.js';
export { recipientEmail, recipientPhone } from './data/model.js';
export type { Account } from './config/load.js';
export { formatMoney, minorDigits } from './data/currencies.js';

// What the built-in checks use besides ctx, exported so that a plugin can do everything a built-in does
// (checks import nothing but this module: see eslint.config.js). Each is pure or reads only what it is given.

/** Currencies: ISO 4217 codes in circulation and Stripe's minimum charge per currency (minor units). */
export { isKnownCurrency, stripeMinimumCharge } from './data/currencies.js';
/** Email addresses: a recipient's address (with its reason when unusable), a `Name <address>` mailbox. */
export { checkRecipientAddress, parseMailbox, type AddressVerdict } from './data/email-address.js';
/** Phone numbers, parsed with full metadata (mobile vs landline); loaded on first use. */
export { parsePhone, type PhoneFacts, type NumberType } from './data/phone.js';
/** Stripe keys judged by their prefix, never sent anywhere; the description never repeats the key. */
export { parseStripeKey, describeMalformedKey, type StripeKeyInfo } from './providers/stripe-key.js';
/** Twilio identifiers and number kinds, by their shape alone. */
export { isAccountSid, isMessagingServiceSid, isE164, isNanpTollFree, isNanpLongCode } from './providers/twilio-ids.js';
/** SMS encoding and segments as carriers count them, and Twilio's length limit. */
export { analyzeSms, SMS_MAX_CHARACTERS, type SmsEncoding } from './send/sms-encoding.js';
/** Twilio error codes that explain an undelivered SMS, mapped to result codes. */
export { TWILIO_ERROR_CODES, smsErrorCode } from './send/sms-errors.js';
/**
 * What became of an invoice's last sends (from `ctx.facts.sendHistory()`), channel by channel, and whether
 * its payment link was paid: the same story `status` tells. Pass no lookups to stay off the network.
 */
export { channelDelivery, paymentState, type ChannelDelivery, type PaymentState, type DeliveryLookups } from './send/delivery.js';
export type { SendHistory } from './send/history.js';
export type { DeliveryChannel } from './send/events.js';
export type { SendHistoryRead } from './engine/facts.js';
/** The payment link `emailMessage()` / `smsMessage()` render with when payments are on (a real one does not exist yet). */
export { SAMPLE_PAYMENT_LINK } from './engine/facts.js';
