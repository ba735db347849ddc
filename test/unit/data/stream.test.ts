import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { openInvoiceStream, type InvoiceStream, type StreamItem } from '../../../src/data/stream.js';
import { tempWorkspace, type TempWorkspace } from '../config/tmp-workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await tempWorkspace();
  await ws.write('invoice-doctor.yaml', 'version: 1\ndata: { invoices: ./invoices }\ndefaults: { account: acme }\naccounts:\n  acme: { name: Acme, country: US }\n  globex: { name: Globex, country: US }\n');
});
afterEach(() => ws.remove());

const invoice = (id: string, extra = '') => `id: ${id}\nstatus: validated\ncustomer: { name: Dana, email: dana@northwindtraders.com }\ncurrency: USD\nlines:\n  - { description: Valve, unit_amount: 1000 }\n${extra}`;

function drain(stream: InvoiceStream): Array<string | string[]> {
  const out: Array<string | string[]> = [];
  for (let item: StreamItem | undefined = stream.next(); item; item = stream.next()) {
    out.push('invoice' in item ? item.invoice.id : item.problems.map((p) => `${p.invoiceId ?? '?'}: ${p.issue.path} ${p.issue.message}`));
  }
  return out;
}

describe('openInvoiceStream: a batch reads each file when it is asked for', () => {
  it('reads a file only when next() reaches it: a change made after opening is what gets checked', async () => {
    await ws.write('invoices/a.yaml', invoice('INV-1'));
    await ws.write('invoices/b.yaml', invoice('INV-2'));
    await ws.write('invoices/c.yaml', invoice('INV-3'));
    const stream = openInvoiceStream(await loadConfig(ws.path('invoice-doctor.yaml'), {}));
    expect(stream.remaining()).toBe(3);
    const first = stream.next();
    expect(first && 'invoice' in first && first.invoice.id).toBe('INV-1');
    await ws.write('invoices/b.yaml', invoice('INV-2').replace('Dana', 'Dana Scully'));
    rmSync(ws.path('invoices/c.yaml'));
    const second = stream.next();
    expect(second && 'invoice' in second && second.invoice.customer.name).toBe('Dana Scully');
    expect(stream.remaining()).toBe(1);
    const third = stream.next();
    expect(third && 'problems' in third && third.problems[0]!.issue.message).toMatch(/cannot read invoice file: it does not exist/);
    expect(stream.next()).toBeUndefined();
    expect(stream.remaining()).toBe(0);
  });

  it('keeps file order when files read up front (lists, JSON, numeric ids) sit between scanned ones', async () => {
    await ws.write('invoices/a.yaml', invoice('INV-1'));
    await ws.write('invoices/b.yaml', `- ${invoice('INV-2').replace(/\n(?=.)/g, '\n  ')}- ${invoice('INV-3').replace(/\n(?=.)/g, '\n  ')}`);
    await ws.write('invoices/c.yaml', invoice('INV-4'));
    await ws.write('invoices/d.json', JSON.stringify({ id: 'INV-5', status: 'validated', customer: { name: 'A', email: 'a@northwindtraders.com' }, currency: 'USD', lines: [{ description: 'x', unit_amount: 100 }] }));
    await ws.write('invoices/e.yaml', invoice('1006'));
    await ws.write('invoices/f.yaml', invoice('INV-7'));
    expect(drain(openInvoiceStream(await loadConfig(ws.path('invoice-doctor.yaml'), {})))).toEqual(['INV-1', 'INV-2', 'INV-3', 'INV-4', 'INV-5', '1006', 'INV-7']);
  });

  it('a broken file is its own item and the stream goes on; problems found up front come first', async () => {
    await ws.write('invoices/a.yaml', invoice('INV-1'));
    await ws.write('invoices/b.yaml', invoice('INV-2', 'due_on: someday\n'));
    await ws.write('invoices/c.yaml', 'id: [unclosed\n');
    await ws.write('invoices/d.yaml', invoice('INV-4'));
    expect(drain(openInvoiceStream(await loadConfig(ws.path('invoice-doctor.yaml'), {})))).toEqual([
      [expect.stringMatching(/^\?: +Flow sequence/)],
      'INV-1',
      ['INV-2: due_on is "someday": expected a date written YYYY-MM-DD'],
      'INV-4',
    ]);
  });

  it('a duplicate id is reported against the second file, even when the first is outside --account', async () => {
    await ws.write('invoices/a.yaml', invoice('INV-7', 'account: globex\n'));
    await ws.write('invoices/b.yaml', invoice('INV-7'));
    await ws.write('invoices/c.yaml', invoice('INV-8'));
    const items = drain(openInvoiceStream(await loadConfig(ws.path('invoice-doctor.yaml'), {}), { account: 'acme' }));
    expect(items).toEqual([[expect.stringMatching(/^INV-7: id "INV-7" is a duplicate: the same id is already used at .*a\.yaml:1/)], 'INV-8']);
  });

  it('--account and --status leave out files whose own lines name another, without reading them again', async () => {
    await ws.write('invoices/a.yaml', invoice('INV-1', 'account: globex\n'));
    await ws.write('invoices/b.yaml', invoice('INV-2').replace('status: validated', 'status: draft'));
    await ws.write('invoices/c.yaml', invoice('INV-3', 'account: "acme"\n'));
    await ws.write('invoices/d.yaml', invoice('INV-4').replace('status: validated', 'status: Finalized'));
    await ws.write('invoices/e.yaml', invoice('INV-5', 'account: globex\ndue_on: someday\n'));
    await ws.write('invoices/f.yaml', invoice('INV-6')); // the default account
    const loaded = await loadConfig(ws.path('invoice-doctor.yaml'), {});
    const stream = openInvoiceStream(loaded, { account: 'acme', status: 'validated' });
    expect(stream.remaining()).toBe(3);
    // Broken data in a file of another account is not this run's concern.
    expect(drain(stream)).toEqual(['INV-3', 'INV-4', 'INV-6']);
    expect(drain(openInvoiceStream(loaded, { account: 'globex' }))).toEqual(['INV-1', ['INV-5: due_on is "someday": expected a date written YYYY-MM-DD']]);
  });
});
