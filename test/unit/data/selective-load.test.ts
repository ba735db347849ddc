import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { loadWorkspace, problemsFor } from '../../../src/data/load.js';
import { tempWorkspace, type TempWorkspace } from '../config/tmp-workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await tempWorkspace();
  await ws.write('invoice-doctor.yaml', 'version: 1\ndata: { invoices: ./invoices }\naccounts:\n  acme: { name: Acme, country: US }\n');
});
afterEach(() => ws.remove());

const invoice = (id: string, extra = '') => `id: ${id}\nstatus: validated\ncustomer: { name: Dana, email: dana@northwindtraders.com }\ncurrency: USD\nlines:\n  - { description: Valve, unit_amount: 1000 }\n${extra}`;

describe('loading only what a run needs', () => {
  it('parses the requested invoice, knows every id, and ignores problems of invoices not requested', async () => {
    await ws.write('invoices/a.yaml', invoice('INV-1'));
    await ws.write('invoices/b.yaml', invoice('INV-2', 'due_on: someday\n'));
    await ws.write('invoices/c.yaml', invoice('"INV-3"'));
    const loaded = await loadConfig(ws.path('invoice-doctor.yaml'), {});
    const one = await loadWorkspace(loaded, new Set(['INV-1']));
    expect([...one.invoices.keys()]).toEqual(['INV-1']);
    expect([...one.knownIds].sort()).toEqual(['INV-1', 'INV-2', 'INV-3']);
    expect(problemsFor(one, new Set(['INV-1']))).toEqual([]);
    // The same data, all of it: INV-2's bad date is found.
    const all = await loadWorkspace(loaded, 'all');
    expect(problemsFor(all, 'all').map((p) => [p.invoiceId, p.issue.path])).toEqual([['INV-2', 'due_on']]);
  });

  it('still finds a duplicate id in a file it would otherwise skip', async () => {
    await ws.write('invoices/a.yaml', invoice('INV-1'));
    await ws.write('invoices/b.yaml', invoice('INV-7'));
    await ws.write('invoices/c.yaml', invoice('INV-7'));
    const w = await loadWorkspace(await loadConfig(ws.path('invoice-doctor.yaml'), {}), new Set(['INV-1']));
    expect(w.problems.map((p) => [p.invoiceId, p.issue.message])).toEqual([['INV-7', expect.stringContaining('is a duplicate')]]);
  });

  it('parses in full any file a scan cannot read for sure: lists, numeric ids, flow style, broken YAML', async () => {
    await ws.write('invoices/list.yaml', `- ${invoice('INV-10').replace(/\n(?=.)/g, '\n  ')}`);
    await ws.write('invoices/numeric.yaml', invoice('1001'));
    await ws.write('invoices/flow.yaml', '{ id: INV-11, status: draft, customer: { name: A, email: a@northwindtraders.com }, currency: USD, lines: [ { description: x, unit_amount: 100 } ] }\n');
    await ws.write('invoices/broken.yaml', 'id: [unclosed\n');
    const w = await loadWorkspace(await loadConfig(ws.path('invoice-doctor.yaml'), {}), new Set(['INV-10']));
    expect([...w.invoices.keys()].sort()).toEqual(['1001', 'INV-10', 'INV-11']);
    // A file that does not parse might hold the requested invoice, so it is reported.
    expect(problemsFor(w, new Set(['INV-10'])).map((p) => p.issue.file)).toEqual([ws.shown('invoices/broken.yaml')]);
  });

  it('reads an id containing "#" as YAML does (a comment needs a space before it)', async () => {
    await ws.write('invoices/a.yaml', invoice('INV#7'));
    await ws.write('invoices/b.yaml', invoice('INV-8 # the eighth'));
    const w = await loadWorkspace(await loadConfig(ws.path('invoice-doctor.yaml'), {}), new Set(['INV#7']));
    expect([...w.invoices.keys()]).toEqual(['INV#7']);
    expect([...w.knownIds].sort()).toEqual(['INV#7', 'INV-8']);
  });
});
