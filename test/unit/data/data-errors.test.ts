import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { dataError, loadWorkspace, problemsFor, type Workspace } from '../../../src/data/load.js';
import type { InputIssue } from '../../../src/errors.js';
import { BASE_CONFIG, inputError, tempWorkspace, yaml, type TempWorkspace } from '../config/tmp-workspace.js';

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
  '- id: C-101',
  '  name: Riverside Bakery',
  '  phone: "+12125550100"',
);

/** A valid invoice, 5 lines long; `extra` rows follow from line 6. */
const invoice = (id: string, ...extra: string[]) =>
  yaml(`id: ${id}`, 'status: validated', 'customer: C-100', 'currency: USD', 'lines: [{ description: Boiler service, unit_amount: 12500 }]', ...extra);

async function load(config: readonly string[] = BASE_CONFIG): Promise<Workspace> {
  const file = await ws.write('invoice-doctor.yaml', yaml(...config));
  return loadWorkspace(await loadConfig(file, {}));
}

/** Loads the workspace, expects problems, and returns the InputError a run would stop with. */
async function loadError(config: readonly string[] = BASE_CONFIG) {
  const workspace = await load(config);
  expect(workspace.problems.length).toBeGreaterThan(0);
  const err = dataError(problemsFor(workspace, 'all'));
  expect(err.code).toBe('DATA_INVALID');
  expect(err.hint).toContain('README');
  return { workspace, err };
}

const issues = (workspace: Workspace): InputIssue[] => workspace.problems.map((p) => p.issue);

describe('one bad file loses nothing else', () => {
  test('malformed YAML in one invoice file: located by line and column, the other invoices still load', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', invoice('INV-1'));
    await ws.write('invoices/INV-2.yaml', yaml('id: INV-2', '\tstatus: draft'));
    await ws.write('invoices/INV-3.yaml', invoice('INV-3'));
    const { workspace, err } = await loadError();
    expect([...workspace.invoices.keys()]).toEqual(['INV-1', 'INV-3']);
    expect(workspace.problems).toHaveLength(1);
    // the file did not parse, so the problem cannot be tied to an invoice id
    expect(workspace.problems[0]!.invoiceId).toBeUndefined();
    expect(workspace.problems[0]!.issue).toMatchObject({ path: '', file: ws.shown('invoices/INV-2.yaml'), line: 2, column: 1, message: 'Tabs are not allowed as indentation' });
    expect(err.message).toContain(`${ws.shown('invoices/INV-2.yaml')}:2:1: `);
  });

  test('an invoice that fails validation is left out; the valid ones in the same list are kept', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/batch.yaml', yaml(
      '- id: INV-1',
      '  status: validated',
      '  customer: C-100',
      '  currency: USD',
      '  lines: [{ description: A, unit_amount: 100 }]',
      '- id: INV-2',
      '  status: drafft',
      '  customer: C-100',
      '  currency: USD',
      '  lines: [{ description: B, unit_amount: 100 }]',
      '- just a string',
    ));
    const { workspace, err } = await loadError();
    expect([...workspace.invoices.keys()]).toEqual(['INV-1']);
    expect(workspace.problems).toEqual([
      {
        invoiceId: 'INV-2',
        issue: {
          path: '[1].status',
          file: ws.shown('invoices/batch.yaml'),
          line: 7,
          column: 11,
          message: 'is "drafft"; expected one of "draft", "validated", "sent", "paid", "void". Did you mean "draft"?',
        },
      },
      { invoiceId: undefined, issue: { path: '[2]', file: ws.shown('invoices/batch.yaml'), line: 11, column: 3, message: 'is "just a string"; expected object' } },
    ]);
    expect(err.message).toBe(
      `${ws.shown('invoices/batch.yaml')}:7:11: [1].status is "drafft"; expected one of "draft", "validated", "sent", "paid", "void". Did you mean "draft"? (and 1 more problem, listed below)`,
    );
    expect(err.issues).toEqual(issues(workspace));
  });

  test('an invoices location that does not exist is DATA_INVALID at once, naming the path', async () => {
    const file = await ws.write('invoice-doctor.yaml', yaml(...BASE_CONFIG));
    const loaded = await loadConfig(file, {});
    const err = await inputError(() => loadWorkspace(loaded));
    expect(err.code).toBe('DATA_INVALID');
    expect(err.message).toBe(`The invoices location ${ws.shown('invoices')} (data.invoices in the configuration) does not exist.`);
    expect(err.hint).toContain('relative to the configuration file');
  });

  test('an empty invoice file is located at 1:1', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', '');
    const { workspace } = await loadError();
    expect(workspace.problems).toHaveLength(1);
    expect(workspace.problems[0]!.issue).toMatchObject({ file: ws.shown('invoices/INV-1.yaml'), line: 1, column: 1 });
  });
});

describe('ids and references', () => {
  test('a duplicate invoice id is reported at the second one, naming where the first is', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/a.yaml', yaml('# first', ...invoice('INV-7').trimEnd().split('\n')));
    await ws.write('invoices/b.yaml', yaml('status: draft', 'id: INV-7', 'customer: C-101', 'currency: USD', 'lines: [{ description: X, unit_amount: 1 }]'));
    const { workspace, err } = await loadError();
    expect(workspace.problems).toEqual([
      {
        invoiceId: 'INV-7',
        issue: {
          path: 'id',
          file: ws.shown('invoices/b.yaml'),
          line: 2,
          column: 5,
          message: `"INV-7" is a duplicate: the same id is already used at ${ws.shown('invoices/a.yaml')}:2. Invoice ids must be unique.`,
        },
      },
    ]);
    // the first one is kept, untouched
    expect(workspace.invoices.get('INV-7')!.customer.id).toBe('C-100');
    expect(err.message).toContain(`${ws.shown('invoices/b.yaml')}:2:5: id "INV-7" is a duplicate`);
  });

  test('a duplicate id inside one list file is located at the second item, with a path naming the item', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/batch.yaml', yaml(
      '- id: INV-1',
      '  status: validated',
      '  customer: C-100',
      '  currency: USD',
      '  lines: [{ description: A, unit_amount: 100 }]',
      '- id: INV-1',
      '  status: draft',
      '  customer: C-101',
      '  currency: USD',
      '  lines: [{ description: B, unit_amount: 100 }]',
    ));
    const { workspace } = await loadError();
    expect(workspace.problems).toHaveLength(1);
    expect(workspace.problems[0]!.issue).toEqual({
      path: '[1].id',
      file: ws.shown('invoices/batch.yaml'),
      line: 6,
      column: 7,
      message: `"INV-1" is a duplicate: the same id is already used at ${ws.shown('invoices/batch.yaml')}:1. Invoice ids must be unique.`,
    });
  });

  test('a customer reference that matches no customer suggests the closest ids', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', yaml('id: INV-1', 'status: validated', 'customer: C-10', 'currency: USD', 'lines: [{ description: A, unit_amount: 1 }]'));
    const { workspace, err } = await loadError();
    expect(workspace.invoices.size).toBe(0);
    expect(workspace.problems).toEqual([
      {
        invoiceId: 'INV-1',
        issue: {
          path: 'customer',
          file: ws.shown('invoices/INV-1.yaml'),
          line: 3,
          column: 11,
          message: `is "C-10", which is not in the customers file ${ws.shown('customers.yaml')}. Did you mean "C-100" or "C-101"?`,
        },
      },
    ]);
    expect(err.message).toContain(`${ws.shown('invoices/INV-1.yaml')}:3:11: customer is "C-10"`);
  });

  test('a customer reference with no customers file configured says data.customers is not set', async () => {
    await ws.write('invoices/INV-1.yaml', invoice('INV-1'));
    const { workspace } = await loadError(['version: 1', 'data: { invoices: ./invoices }', 'accounts:', '  acme: { name: Acme, country: US }']);
    expect(issues(workspace)).toEqual([
      { path: 'customer', file: ws.shown('invoices/INV-1.yaml'), line: 3, column: 11, message: 'is "C-100", which is not in any customers file (data.customers is not set).' },
    ]);
  });

  test('an unknown account suggests the closest account', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', invoice('INV-1', 'account: acmee'));
    const { workspace } = await loadError();
    expect(workspace.problems).toEqual([
      {
        invoiceId: 'INV-1',
        issue: {
          path: 'account',
          file: ws.shown('invoices/INV-1.yaml'),
          line: 6,
          column: 10,
          message: `is "acmee", which is not an account in ${ws.shown('invoice-doctor.yaml')}. Did you mean "acme"?`,
        },
      },
    ]);
  });

  test('no account and no defaults.account (several accounts) names the accounts to choose from', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', invoice('INV-1'));
    const { workspace } = await loadError([
      'version: 1',
      'data: { invoices: ./invoices, customers: ./customers.yaml }',
      'accounts:',
      '  acme: { name: Acme, country: US }',
      '  globex: { name: Globex, country: GB }',
    ]);
    expect(issues(workspace)).toEqual([
      {
        path: '',
        file: ws.shown('invoices/INV-1.yaml'),
        line: 1,
        column: 1,
        message: 'has no "account" and the configuration sets no defaults.account; add account: <id> (one of acme, globex).',
      },
    ]);
  });
});

describe('invoice field values', () => {
  test('an impossible date (2026-02-30) names the field and the value', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', invoice('INV-1', 'issued_on: 2026-02-30'));
    const { workspace, err } = await loadError();
    expect(issues(workspace)).toEqual([
      { path: 'issued_on', file: ws.shown('invoices/INV-1.yaml'), line: 6, column: 12, message: 'is "2026-02-30": is not a real calendar date' },
    ]);
    expect(err.message).toBe(`${ws.shown('invoices/INV-1.yaml')}:6:12: issued_on is "2026-02-30": is not a real calendar date`);
  });

  test('a date in words ("next week") is one problem saying how to write a date', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', invoice('INV-1', 'due_on: next week'));
    const { workspace, err } = await loadError();
    expect(issues(workspace)).toEqual([
      { path: 'due_on', file: ws.shown('invoices/INV-1.yaml'), line: 6, column: 9, message: 'is "next week": expected a date written YYYY-MM-DD' },
    ]);
    expect(err.message).not.toContain('more problem');
  });

  test('a negative quantity is located inside the line list', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', yaml(
      'id: INV-1',
      'status: validated',
      'customer: C-100',
      'currency: USD',
      'lines:',
      '  - description: Boiler service',
      '    quantity: -1',
      '    unit_amount: 12500',
    ));
    const { workspace } = await loadError();
    expect(workspace.problems).toEqual([
      {
        invoiceId: 'INV-1',
        issue: {
          path: 'lines[0].quantity',
          file: ws.shown('invoices/INV-1.yaml'),
          line: 7,
          column: 15,
          message: 'is -1: must be greater than 0 (a credit is a line with a negative unit_amount)',
        },
      },
    ]);
  });

  test('a non-integer amount (125.5) says amounts are integers in minor units', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', yaml(
      'id: INV-1',
      'status: validated',
      'customer: C-100',
      'currency: USD',
      'lines:',
      '  - { description: Boiler service, quantity: 1, unit_amount: 12500 }',
      '  - { description: Valve, quantity: 1, unit_amount: 125.5 }',
    ));
    const { workspace, err } = await loadError();
    expect(workspace.problems).toHaveLength(1);
    expect(workspace.problems[0]!.issue).toMatchObject({ path: 'lines[1].unit_amount', file: ws.shown('invoices/INV-1.yaml'), line: 7, column: 53 });
    expect(err.message).toContain('lines[1].unit_amount is 125.5');
    expect(err.message).toContain('minor units');
    expect(err.message).toContain('12500');
  });

  test('a negative amount_paid is rejected', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', invoice('INV-1', 'amount_paid: -500'));
    const { workspace } = await loadError();
    expect(issues(workspace)).toEqual([{ path: 'amount_paid', file: ws.shown('invoices/INV-1.yaml'), line: 6, column: 14, message: 'is -500: cannot be negative' }]);
  });

  test('an invoice without lines says it needs one', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', yaml('id: INV-1', 'status: validated', 'customer: C-100', 'currency: USD', 'lines: []'));
    const { workspace } = await loadError();
    expect(issues(workspace)).toEqual([{ path: 'lines', file: ws.shown('invoices/INV-1.yaml'), line: 5, column: 8, message: 'is a list: an invoice needs at least one line' }]);
  });

  test('a phone written without quotes (read by YAML as a number) in send_to says to quote it', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', invoice('INV-1', 'send_to:', '  phone: +14155550123'));
    const { workspace, err } = await loadError();
    expect(workspace.problems).toHaveLength(1);
    expect(workspace.problems[0]!.issue).toMatchObject({ path: 'send_to.phone', file: ws.shown('invoices/INV-1.yaml'), line: 7, column: 10 });
    expect(err.message).toContain('send_to.phone is 14155550123');
    expect(err.message).toMatch(/quote/i);
  });

  test('an unknown invoice key suggests the right one', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', invoice('INV-1', 'isued_on: 2026-11-01'));
    const { workspace, err } = await loadError();
    expect(workspace.problems).toEqual([
      { invoiceId: 'INV-1', issue: { path: 'isued_on', file: ws.shown('invoices/INV-1.yaml'), line: 6, column: 1, message: 'unknown key "isued_on". Did you mean "issued_on"?' } },
    ]);
    expect(err.message).toBe(`${ws.shown('invoices/INV-1.yaml')}:6:1: isued_on unknown key "isued_on". Did you mean "issued_on"?`);
  });

  test('a missing required field points at the invoice that should hold it', async () => {
    await ws.write('customers.yaml', CUSTOMERS);
    await ws.write('invoices/INV-1.yaml', yaml('# comment', 'id: INV-1', 'status: validated', 'customer: C-100', 'lines: [{ description: A, unit_amount: 1 }]'));
    const { workspace } = await loadError();
    expect(issues(workspace)).toEqual([{ path: 'currency', file: ws.shown('invoices/INV-1.yaml'), line: 2, column: 1, message: 'is required (expected string)' }]);
  });
});

describe('customers', () => {
  test('an invalid inline customer field is located inside the customer, with a did-you-mean', async () => {
    await ws.write('invoices/INV-1.yaml', yaml(
      'id: INV-1',
      'status: validated',
      'customer:',
      '  name: Walk-in Client',
      '  emial: client@walkin.org',
      'currency: USD',
      'lines: [{ description: A, unit_amount: 1 }]',
    ));
    const { workspace, err } = await loadError(['version: 1', 'data: { invoices: ./invoices }', 'accounts:', '  acme: { name: Acme, country: US }']);
    expect(workspace.invoices.size).toBe(0);
    expect(workspace.problems).toEqual([
      { invoiceId: 'INV-1', issue: { path: 'customer.emial', file: ws.shown('invoices/INV-1.yaml'), line: 5, column: 3, message: 'unknown key "emial". Did you mean "email"?' } },
    ]);
    expect(err.message).toBe(`${ws.shown('invoices/INV-1.yaml')}:5:3: customer.emial unknown key "emial". Did you mean "email"?`);
  });

  test('an inline customer phone written without quotes says to quote it', async () => {
    await ws.write('invoices/INV-1.yaml', yaml(
      'id: INV-1',
      'status: validated',
      'customer: { name: Walk-in Client, phone: 4155550123 }',
      'currency: USD',
      'lines: [{ description: A, unit_amount: 1 }]',
    ));
    const { workspace, err } = await loadError(['version: 1', 'data: { invoices: ./invoices }', 'accounts:', '  acme: { name: Acme, country: US }']);
    expect(workspace.problems).toHaveLength(1);
    expect(workspace.problems[0]).toMatchObject({ invoiceId: 'INV-1', issue: { path: 'customer.phone', file: ws.shown('invoices/INV-1.yaml'), line: 3, column: 42 } });
    expect(err.message).toContain('customer.phone is 4155550123');
    expect(err.message).toMatch(/quote/i);
  });

  test('a customer phone written without quotes in the customers file says to quote it', async () => {
    await ws.write('customers.yaml', yaml('- id: C-100', '  name: Dana', '  phone: 0035312345678'));
    await ws.write('invoices/INV-1.yaml', invoice('INV-1'));
    const { workspace, err } = await loadError();
    // Reported once (the invoice referring to C-100 is blocked by the same problem, not by another)...
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ path: '[0].phone', file: ws.shown('customers.yaml'), line: 3, column: 10 });
    expect(err.message).toContain('[0].phone is 35312345678');
    expect(err.message).toMatch(/quote/i);
    // ...and the correct reference C-100 is not called unknown, with a did-you-mean.
    expect(workspace.problems.map((p) => [p.invoiceId, p.issue.path])).toEqual([[undefined, '[0].phone'], ['INV-1', '[0].phone']]);
  });

  test('duplicate customer ids: the second is reported, naming the line of the first', async () => {
    await ws.write('customers.yaml', yaml(...CUSTOMERS.trimEnd().split('\n'), '- id: C-100', '  name: Someone Else'));
    await ws.write('invoices/INV-1.yaml', invoice('INV-1'));
    const { workspace } = await loadError();
    expect(workspace.problems).toEqual([
      { issue: { path: '[2].id', file: ws.shown('customers.yaml'), line: 7, column: 7, message: 'customer id "C-100" is a duplicate of the one at line 1' } },
    ]);
    // the first record wins and the invoice still loads with it
    expect(workspace.invoices.get('INV-1')!.customer.name).toBe('Dana Whitfield');
  });

  test('a customers file that is not a list is one problem at 1:1', async () => {
    await ws.write('customers.yaml', yaml('C-100:', '  name: Dana'));
    await ws.write('invoices/INV-1.yaml', yaml('id: INV-1', 'status: validated', 'customer: { name: Inline }', 'currency: USD', 'lines: [{ description: A, unit_amount: 1 }]'));
    const { workspace } = await loadError();
    expect(workspace.problems).toEqual([
      {
        issue: {
          path: '',
          file: ws.shown('customers.yaml'),
          line: 1,
          column: 1,
          message: 'the customers file must hold a list of customers: - { id: C-100, name: …, email: …, phone: … }',
        },
      },
    ]);
    expect([...workspace.invoices.keys()]).toEqual(['INV-1']);
  });

  test('a customers file that does not exist is a problem naming it', async () => {
    await ws.write('invoices/INV-1.yaml', yaml('id: INV-1', 'status: validated', 'customer: { name: Inline }', 'currency: USD', 'lines: [{ description: A, unit_amount: 1 }]'));
    const { workspace } = await loadError();
    expect(issues(workspace)).toEqual([{ path: '', file: ws.shown('customers.yaml'), message: 'cannot read the customers file (data.customers): it does not exist' }]);
  });
});

describe('problemsFor and dataError', () => {
  async function mixedWorkspace() {
    await ws.write('customers.yaml', yaml(...CUSTOMERS.trimEnd().split('\n'), '- id: C-101', '  name: Duplicate'));
    await ws.write('invoices/INV-1.yaml', invoice('INV-1', 'due_on: 2026-13-01'));
    await ws.write('invoices/INV-2.yaml', invoice('INV-2', 'account: nope'));
    await ws.write('invoices/INV-3.yaml', invoice('INV-3'));
    await ws.write('invoices/INV-4.yaml', 'id: INV-4\nstatus: [\n');
    return load();
  }

  test('returns the requested invoices\' problems plus every problem not tied to an invoice', async () => {
    const workspace = await mixedWorkspace();
    expect(workspace.problems.map((p) => [p.invoiceId, p.issue.file, p.issue.path])).toEqual([
      [undefined, ws.shown('customers.yaml'), '[2].id'],
      ['INV-1', ws.shown('invoices/INV-1.yaml'), 'due_on'],
      [undefined, ws.shown('invoices/INV-4.yaml'), ''],
      ['INV-2', ws.shown('invoices/INV-2.yaml'), 'account'],
    ]);
    expect(problemsFor(workspace, new Set(['INV-1'])).map((p) => [p.invoiceId, p.issue.path])).toEqual([
      [undefined, '[2].id'],
      ['INV-1', 'due_on'],
      [undefined, ''],
    ]);
    expect(problemsFor(workspace, new Set(['INV-3'])).map((p) => p.invoiceId)).toEqual([undefined, undefined]);
    expect(problemsFor(workspace, 'all')).toEqual(workspace.problems);
    expect([...workspace.invoices.keys()]).toEqual(['INV-3']);
  });

  test('dataError: the message names file:line:column, field and value of the first problem and counts the rest', async () => {
    const workspace = await mixedWorkspace();
    const only = problemsFor(workspace, new Set(['INV-2'])).filter((p) => p.invoiceId === 'INV-2');
    const single = dataError(only);
    expect(single.code).toBe('DATA_INVALID');
    expect(single.message).toBe(`${ws.shown('invoices/INV-2.yaml')}:6:10: account is "nope", which is not an account in ${ws.shown('invoice-doctor.yaml')}.`);
    expect(single.issues).toEqual([only[0]!.issue]);
    expect(single.hint).toBe('Fix the invoice data at the line named above, then run the check again. Invoice fields are described in the README under "Invoice data".');

    const three = dataError(problemsFor(workspace, new Set(['INV-1'])));
    expect(three.issues).toHaveLength(3);
    expect(three.message).toMatch(/ \(and 2 more problems, listed below\)$/);
    expect(three.message.startsWith(`${ws.shown('customers.yaml')}:7:7: [2].id customer id "C-101" is a duplicate of the one at line 4`)).toBe(true);
  });
});
