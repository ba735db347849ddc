/**
 * A throw-away workspace for `send` tests: a config (JSON is YAML) pointing every account at the local
 * peers, invoices, and a journal of its own, in a temp folder. Each test gets a fresh one, so journals
 * and outboxes never leak between tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Peers } from '../fakes/peers.js';
import { STRIPE_KEYS } from '../fakes/stripe.js';
import { TWILIO_SIDS, TWILIO_SERVICES, TWILIO_NUMBERS } from '../fakes/twilio.js';
import { SMTP_USER } from '../fakes/smtp.js';
import { ROOT } from '../support/cli.js';

export const CA = path.join(ROOT, 'test/fixtures/tls/ca.pem');
/** The customer every invoice goes to unless it says otherwise (the DNS peer knows the domain). */
export const CUSTOMER = { name: 'Dana Whitfield <b>&</b>', email: 'dana@northwind-traders.com', phone: '+14155552671' };

export interface SendWorkspace {
  dir: string;
  config: string;
  journal: string;
  outbox: string;
  env: Record<string, string>;
  cleanup(): void;
}

export function accountFor(peers: Peers, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Northwind Plumbing',
    country: 'US',
    channels: ['email', 'sms'],
    payments: { provider: 'stripe', stripe: { secret_key: STRIPE_KEYS.good, api_base: peers.stripe.url } },
    email: {
      from: 'Northwind Plumbing <billing@northwind-plumbing.com>',
      transport: 'smtp',
      smtp: { host: '127.0.0.1', port: peers.smtp.starttls.port, secure: false, require_tls: true, user: SMTP_USER, pass: '${SMTP_PASS}', ca_file: CA },
    },
    sms: { transport: 'twilio', twilio: { account_sid: TWILIO_SIDS.active, auth_token: '${TWILIO_AUTH_TOKEN}', messaging_service_sid: TWILIO_SERVICES.good, api_base: peers.twilio.url } },
    ...overrides,
  };
}

export function invoice(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    number: `2026-${id}`,
    account: 'shop',
    status: 'validated',
    customer: CUSTOMER,
    currency: 'USD',
    lines: [
      { description: 'Boiler service', quantity: 1, unit_amount: 9500 },
      { description: 'Valve <replacement>', quantity: 2, unit_amount: 1500 },
    ],
    issued_on: '2026-11-01',
    due_on: '2026-12-01',
    ...overrides,
  };
}

export function makeWorkspace(peers: Peers, options: { accounts?: Record<string, Record<string, unknown>>; invoices?: Record<string, unknown>[] } = {}): SendWorkspace {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-send-'));
  const journal = path.join(dir, 'state', 'journal.jsonl');
  const outbox = path.join(dir, 'outbox');
  const accounts = options.accounts ?? { shop: accountFor(peers) };
  const config = {
    version: 1,
    data: { invoices: './invoices.yaml' },
    journal: './state/journal.jsonl',
    dns: { servers: [peers.env.DNS_SERVER], timeout_ms: 1500 },
    accounts,
  };
  writeFileSync(path.join(dir, 'invoice-doctor.yaml'), JSON.stringify(config, null, 2));
  writeFileSync(path.join(dir, 'invoices.yaml'), JSON.stringify(options.invoices ?? [invoice('INV-1')], null, 2));
  return {
    dir,
    config: path.join(dir, 'invoice-doctor.yaml'),
    journal,
    outbox,
    env: { ...peers.env },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export { TWILIO_NUMBERS, TWILIO_SIDS, TWILIO_SERVICES, STRIPE_KEYS };
