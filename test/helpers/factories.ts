/**
 * In-memory accounts and invoices for unit tests, and a way to run one built-in check through the real
 * engine (Registry → runChecks → RemediationCatalog) without touching the file system or the network.
 */
import type { Account } from '../../src/config/load.js';
import type { Contact, Customer, Invoice, InvoiceLine } from '../../src/data/model.js';
import { STATUS_ALIASES } from '../../src/data/schema.js';
import { Registry } from '../../src/engine/registry.js';
import { runChecks, type RunOptions } from '../../src/engine/runner.js';
import type { CheckResult, Remediation } from '../../src/engine/types.js';
import { RemediationCatalog } from '../../src/remediation/catalog.js';
import { ENGINE_REMEDIATION } from '../../src/remediation/engine-codes.js';
import { BUILTIN_CHECKS } from '../../checks/index.js';

export type AccountOverrides = Partial<Account>;

export function makeAccount(overrides: AccountOverrides = {}): Account {
  return {
    id: 'acme',
    name: 'Acme Plumbing',
    country: 'US',
    channels: ['email', 'sms'],
    payments: { provider: 'stripe', stripe: {} },
    email: { from: 'Acme <billing@acmeplumbing.com>', transport: 'file', file: { dir: '/tmp/x' } },
    templates: {},
    unsetEnv: {},
    ...overrides,
  };
}

export interface LineInput {
  description?: string;
  quantity?: number;
  unitAmount: number;
}

export interface InvoiceOverrides extends Partial<Omit<Invoice, 'lines' | 'customer' | 'sendTo'>> {
  /** lines as written in the data; amounts, total and amountDue are computed from them */
  lines?: LineInput[];
  /** merged over the default customer; pass a key as undefined to remove it */
  customer?: Partial<Customer>;
  sendTo?: Contact;
}

/**
 * An invoice as the data loader would produce it: line amounts, `total` and `amountDue` are computed
 * from the lines (unless given explicitly), and `status` follows `statusRaw` through the loader's
 * aliases ("finalised" → validated) unless given explicitly.
 */
export function makeInvoice(overrides: InvoiceOverrides = {}): Invoice {
  const { lines: lineInput, customer, sendTo, ...rest } = overrides;
  const lines: InvoiceLine[] = (lineInput ?? [{ description: 'Boiler service', quantity: 1, unitAmount: 12500 }]).map((l, i) => {
    const quantity = l.quantity ?? 1;
    return { description: l.description ?? `Line ${i + 1}`, quantity, unitAmount: l.unitAmount, amount: Math.round(quantity * l.unitAmount) };
  });
  const total = rest.total ?? lines.reduce((sum, l) => sum + l.amount, 0);
  const amountPaid = rest.amountPaid ?? 0;
  const statusRaw = rest.statusRaw ?? rest.status ?? 'validated';
  const status = rest.status ?? ((STATUS_ALIASES[statusRaw.toLowerCase()] ?? statusRaw.toLowerCase()) as Invoice['status']);
  return {
    id: 'INV-1001',
    number: 'INV-1001',
    accountId: 'acme',
    currency: 'USD',
    issuedOn: '2025-06-15',
    dueOn: '2025-07-15',
    metadata: {},
    source: { file: 'memory://invoices.yaml' },
    ...rest,
    status,
    statusRaw,
    customer: {
      id: 'cus_jane',
      name: 'Jane Doe',
      email: 'jane.doe@northwind-traders.com',
      phone: '+14155550134',
      metadata: {},
      ...customer,
    },
    sendTo: { ...sendTo },
    lines,
    total,
    amountPaid,
    amountDue: rest.amountDue ?? total - amountPaid,
  };
}

/** The built-in checks, as a run would register them. */
export const registry = new Registry(BUILTIN_CHECKS.map((check) => ({ check })));
export const catalog = new RemediationCatalog(registry);

/** The built-in remediation by code, as a fresh install has it: each check's own entries and the engine's codes. */
export const builtinRemediation: Readonly<Record<string, Remediation>> = Object.fromEntries(
  [...registry.codes().keys(), ...Object.keys(ENGINE_REMEDIATION)].map((code) => [code, catalog.lookup(code)!]),
);

/** Runs exactly one check (and whatever it depends on) for one invoice and returns its result. */
export async function runOne(checkId: string, invoice: Invoice, account: Account, options: Partial<RunOptions> = {}): Promise<CheckResult> {
  if (!registry.get(checkId)) throw new Error(`runOne: no built-in check "${checkId}"`);
  const report = await runChecks(registry, [{ ...invoice, accountId: account.id }], new Map([[account.id, account]]), catalog, {
    selected: registry.select(new Set([checkId]), new Set()),
    skipped: new Set(),
    // Unit tests never touch the network; the live checks' tests pass offline: false with local peers.
    offline: true,
    timeoutMs: 5000,
    strict: false,
    concurrency: 1,
    verbose: false,
    ...options,
  });
  const result = report.results[0]?.checks.find((c) => c.id === checkId);
  if (!result) throw new Error(`runOne: the run reported no result for ${checkId}`);
  return result;
}

/** Every code a built-in check declares. */
export function declaredCodes(checkId: string): string[] {
  const check = registry.get(checkId);
  if (!check) throw new Error(`no built-in check "${checkId}"`);
  return Object.keys(check.codes).sort();
}
