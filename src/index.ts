/**
 * invoice-doctor's public API for plugin authors:
 *
 *   import { defineCheck } from 'invoice-doctor';
 *   export default defineCheck({ id: 'custom.po-number', … });
 */
export { defineCheck, checkShapeProblems } from './engine/define-check.js';
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
