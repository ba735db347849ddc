import type { AnyCheck } from '../src/index.js';
import invoiceStatus from './invoice-status.js';
import invoiceBalance from './invoice-balance.js';
import recipientEmail from './recipient-email.js';
import recipientPhone from './recipient-phone.js';
import messageEmail from './message-email.js';
import messageSms from './message-sms.js';

/** The built-in checks, in the order results are reported. */
export const BUILTIN_CHECKS: readonly AnyCheck[] = [
  invoiceStatus,
  invoiceBalance,
  recipientEmail,
  recipientPhone,
  messageEmail,
  messageSms,
] as AnyCheck[];
