import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { loadWorkspace } from '../../../src/data/load.js';
import { recipientEmail, recipientPhone } from '../../../src/data/model.js';
import { BASE_CONFIG, tempWorkspace, yaml, type TempWorkspace } from '../config/tmp-workspace.js';

let ws: TempWorkspace;

beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(async () => {
  await ws.remove();
});

const CUSTOMERS = yaml(
  '- id: C-100',
  '  name: Dana Whitfield',
  '  email: dana@northwindtraders.com',
  '  phone: "+14155550134"',
  '- id: C-101',
  '  name: Riverside Bakery',
  '  email: accounts@riversidebakery.com',
  '  metadata: { requires_po: true }',
);

async function load(config: readonly string[] = BASE_CONFIG) {
  const file = await ws.write('invoice-doctor.yaml', yaml(...config));
  const loaded = await loadConfig(file, {});
  return loadWorkspace(loaded);
}

describe('loadWorkspace: where invoices come from', () => {
  test('a directory of .yaml, .yml and .json files, one invoice or a list per file; other files are ignored', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', yaml(
      'id: INV-1',
      'number: "2026-0041"',
      'status: finalised',
      'customer: C-100',
      'send_to: { email: ap@northwindtraders.com }',
      'currency: usd',
      'lines:',
      '  - { description: Annual boiler service, quantity: 1, unit_amount: 12500 }',
      '  - { description: Pressure valve, quantity: 2, unit_amount: 3450 }',
      'amount_paid: 1000',
      'issued_on: 2026-11-10',
      'due_on: 2026-12-10',
    ));
    await ws.write('invoices/INV-2.yml', yaml(
      'id: INV-2',
      'status: open',
      'customer: { name: Walk-in Client, email: client@walkin.org, phone: "+14155550111" }',
      'currency: EUR',
      'lines: [{ description: Call-out, unit_amount: 9000 }]',
    ));
    await ws.write('invoices/INV-3.json', JSON.stringify({
      id: 'INV-3',
      status: 'finalized',
      customer: 'C-101',
      currency: 'GBP',
      lines: [{ description: 'Oven repair', quantity: 1.5, unit_amount: 1001 }],
      total: 1502,
    }, null, 2));
    await ws.write('invoices/batch.yaml', yaml(
      '- id: INV-4',
      '  status: draft',
      '  customer: C-101',
      '  currency: USD',
      '  lines: [{ description: Pipe, unit_amount: 500 }]',
      '- id: INV-5',
      '  status: paid',
      '  customer: C-100',
      '  currency: USD',
      '  lines: [{ description: Tap, unit_amount: 700 }]',
    ));
    await ws.write('invoices/README.md', '# not an invoice: [unclosed\n');
    await ws.write('invoices/notes.txt', 'id: [\n');

    const { invoices, problems } = await load();
    expect(problems).toEqual([]);
    expect([...invoices.keys()]).toEqual(['INV-1', 'INV-2', 'INV-3', 'INV-4', 'INV-5']);

    expect(invoices.get('INV-1')).toEqual({
      id: 'INV-1',
      number: '2026-0041',
      accountId: 'acme',
      status: 'validated',
      statusRaw: 'finalised',
      customer: { id: 'C-100', name: 'Dana Whitfield', email: 'dana@northwindtraders.com', phone: '+14155550134', metadata: {} },
      sendTo: { email: 'ap@northwindtraders.com', phone: undefined },
      currency: 'USD',
      lines: [
        { description: 'Annual boiler service', quantity: 1, unitAmount: 12500, amount: 12500 },
        { description: 'Pressure valve', quantity: 2, unitAmount: 3450, amount: 6900 },
      ],
      total: 19400,
      declaredTotal: undefined,
      amountPaid: 1000,
      amountDue: 18400,
      issuedOn: '2026-11-10',
      dueOn: '2026-12-10',
      metadata: {},
      source: { file: ws.shown('invoices/INV-1.yaml'), line: 1 },
    });
    // send_to wins over the customer record, field by field
    expect(recipientEmail(invoices.get('INV-1')!)).toBe('ap@northwindtraders.com');
    expect(recipientPhone(invoices.get('INV-1')!)).toBe('+14155550134');

    expect(invoices.get('INV-2')).toMatchObject({
      number: 'INV-2',
      status: 'validated',
      statusRaw: 'open',
      customer: { id: undefined, name: 'Walk-in Client', email: 'client@walkin.org', phone: '+14155550111', metadata: {} },
      lines: [{ description: 'Call-out', quantity: 1, unitAmount: 9000, amount: 9000 }],
      amountPaid: 0,
    });
    expect(invoices.get('INV-3')).toMatchObject({
      status: 'validated',
      statusRaw: 'finalized',
      customer: { id: 'C-101', metadata: { requires_po: true } },
      currency: 'GBP',
      lines: [{ quantity: 1.5, unitAmount: 1001, amount: 1502 }],
      total: 1502,
      declaredTotal: 1502,
      source: { file: ws.shown('invoices/INV-3.json'), line: 1 },
    });
    expect(invoices.get('INV-4')).toMatchObject({ status: 'draft', statusRaw: 'draft', source: { file: ws.shown('invoices/batch.yaml'), line: 1 } });
    expect(invoices.get('INV-5')).toMatchObject({ status: 'paid', customer: { id: 'C-100' }, source: { file: ws.shown('invoices/batch.yaml'), line: 6 } });
  });

  test('data.invoices may be one YAML file holding a list; customers are optional when inline', async () => {
    await ws.write('all-invoices.yaml', yaml(
      '# exported from the accounting system',
      '- id: A-1',
      '  status: sent',
      '  customer: { name: One, email: one@client.org }',
      '  currency: USD',
      '  lines: [{ description: Work, unit_amount: 100 }]',
      '- id: A-2',
      '  status: void',
      '  customer: { name: Two, phone: "+442079460958" }',
      '  currency: GBP',
      '  lines: [{ description: Work, unit_amount: 200 }]',
    ));
    const { invoices, problems } = await load(['version: 1', 'data: { invoices: all-invoices.yaml }', 'accounts:', '  acme: { name: Acme, country: US }']);
    expect(problems).toEqual([]);
    expect([...invoices.values()].map((i) => [i.id, i.status, i.customer.name, i.source.line])).toEqual([
      ['A-1', 'sent', 'One', 2],
      ['A-2', 'void', 'Two', 7],
    ]);
  });

  test('data.invoices may be a JSON file holding a list', async () => {
    await ws.write('invoices.json', JSON.stringify([
      { id: 'J-1', status: 'draft', customer: 'C-100', currency: 'USD', lines: [{ description: 'A', unit_amount: 1 }] },
      { id: 'J-2', status: 'Finalised', customer: 'C-101', currency: 'USD', lines: [{ description: 'B', unit_amount: 2 }] },
    ], null, 2));
    await ws.write('customers.yaml', CUSTOMERS);
    const config = [...BASE_CONFIG];
    config[2] = '  invoices: ./invoices.json';
    const { invoices, problems } = await load(config);
    expect(problems).toEqual([]);
    expect([...invoices.values()].map((i) => [i.id, i.status, i.statusRaw, i.customer.id, i.source.line])).toEqual([
      ['J-1', 'draft', 'draft', 'C-100', 2],
      ['J-2', 'validated', 'Finalised', 'C-101', 14],
    ]);
  });

  test('relative data paths follow the config file, wherever the process runs', async () => {
    await ws.write('conf/customers.yaml', CUSTOMERS);
    await ws.write('conf/invoices/INV-1.yaml', yaml('id: INV-1', 'status: draft', 'customer: C-100', 'currency: USD', 'lines: [{ description: A, unit_amount: 1 }]'));
    const file = await ws.write('conf/invoice-doctor.yaml', yaml(...BASE_CONFIG));
    const workspace = await loadWorkspace(await loadConfig(path.relative(process.cwd(), file), {}));
    expect(workspace.problems).toEqual([]);
    expect([...workspace.invoices.keys()]).toEqual(['INV-1']);
  });
});

describe('loadWorkspace: invoice fields', () => {
  test.each([
    ['finalized', 'validated'],
    ['finalised', 'validated'],
    ['open', 'validated'],
    ['FINALISED', 'validated'],
    ['Open', 'validated'],
    ['validated', 'validated'],
    ['Draft', 'draft'],
    ['PAID', 'paid'],
  ])('status %s is read as %s and kept as written in statusRaw', async (written, status) => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', yaml('id: INV-1', `status: ${written}`, 'customer: C-100', 'currency: USD', 'lines: [{ description: A, unit_amount: 1 }]'));
    const { invoices, problems } = await load();
    expect(problems).toEqual([]);
    expect(invoices.get('INV-1')).toMatchObject({ status, statusRaw: written });
  });

  test('numeric ids are read as text, and a numeric customer reference finds a numeric customer id', async () => {
    await ws.write('customers.yaml', yaml('- id: 100', '  name: Numbered Customer'));
    await ws.write('invoices/1001.yaml', yaml('id: 1001', 'number: 42', 'status: draft', 'customer: 100', 'currency: USD', 'lines: [{ description: A, unit_amount: 1 }]'));
    const { invoices, problems } = await load();
    expect(problems).toEqual([]);
    expect(invoices.get('1001')).toMatchObject({ id: '1001', number: '42', customer: { id: '100', name: 'Numbered Customer' } });
  });

  test('account: an invoice without one gets defaults.account; an explicit one is kept', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/a.yaml', yaml('id: A', 'status: draft', 'customer: C-100', 'currency: USD', 'lines: [{ description: A, unit_amount: 1 }]'));
    await ws.write('invoices/b.yaml', yaml('id: B', 'account: globex', 'status: draft', 'customer: C-100', 'currency: USD', 'lines: [{ description: A, unit_amount: 1 }]'));
    const { invoices, problems } = await load([
      'version: 1',
      'data: { invoices: ./invoices, customers: ./customers.yaml }',
      'defaults: { account: acme }',
      'accounts:',
      '  acme: { name: Acme, country: US }',
      '  globex: { name: Globex, country: GB }',
    ]);
    expect(problems).toEqual([]);
    expect(invoices.get('A')!.accountId).toBe('acme');
    expect(invoices.get('B')!.accountId).toBe('globex');
  });

  test('send_to overrides only the fields it sets', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/a.yaml', yaml('id: A', 'status: draft', 'customer: C-100', 'send_to: { phone: "+14155550199" }', 'currency: USD', 'lines: [{ description: A, unit_amount: 1 }]'));
    const { invoices } = await load();
    const invoice = invoices.get('A')!;
    expect(invoice.sendTo).toEqual({ email: undefined, phone: '+14155550199' });
    expect(recipientPhone(invoice)).toBe('+14155550199');
    expect(recipientEmail(invoice)).toBe('dana@northwindtraders.com');
  });
});
