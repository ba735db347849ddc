import type { AnyCheck } from '../src/index.js';
import invoiceStatus from './invoice-status.js';
import invoiceBalance from './invoice-balance.js';
import recipientEmail from './recipient-email.js';
import recipientPhone from './recipient-phone.js';
import messageEmail from './message-email.js';
import messageSms from './message-sms.js';
import stripeCredentials from './stripe-credentials.js';
import stripeOnboarding from './stripe-onboarding.js';
import emailTransport from './email-transport.js';
import smsAccount from './sms-account.js';
import smsSender from './sms-sender.js';
import smsA2p from './sms-a2p.js';
import deliveryLastAttempt from './delivery-last-attempt.js';

/** The built-in checks, in the order results are reported. */
export const BUILTIN_CHECKS: readonly AnyCheck[] = [
  invoiceStatus,
  invoiceBalance,
  recipientEmail,
  recipientPhone,
  messageEmail,
  messageSms,
  stripeCredentials,
  stripeOnboarding,
  emailTransport,
  smsAccount,
  smsSender,
  smsA2p,
  deliveryLastAttempt,
] as AnyCheck[];
