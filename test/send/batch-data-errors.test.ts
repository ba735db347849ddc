// `send --all` with one invoice whose data does not load: that invoice is skipped and listed with the
// file:line:column of the problem (exit 2), the others are sent; once the data is fixed, a re-run sends
// that invoice alone.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPeers, type Peers } from '../fakes/peers.js';
import { runCli } from '../support/cli.js';
import { accountFor, allSmtpMessages, invoice, makeWorkspace, resetPeers, type SendWorkspace } from './workspace.js';

let peers: Peers;
let ws: SendWorkspace | undefined;
beforeAll(async () => {
  peers = await startPeers();
});
afterAll(async () => {
  await peers.close();
});
afterEach(() => {
  ws?.cleanup();
  ws = undefined;
  resetPeers(peers);
});

const send = (w: SendWorkspace, args: string[]) => runCli(['send', '--all', '--yes', '--channel', 'email', ...args, '--config', w.config], { env: w.env });
const emailed = () => allSmtpMessages(peers).map((m) => m.headers['x-invoice-id']).sort();

describe('send --all with broken invoice data', () => {
  it('skips and lists the broken invoice (exit 2), sends the others; after the fix, a re-run sends it alone', async () => {
    const broken = invoice('INV-2', { lines: [{ description: 'Boiler service', quantity: -1, unit_amount: 9500 }] });
    ws = makeWorkspace(peers, { accounts: { shop: accountFor(peers, { channels: ['email'] }) }, invoices: [invoice('INV-1'), broken, invoice('INV-3')] });

    const first = await send(ws, ['--json']);
    expect(first.code, first.stderr).toBe(2);
    const out = JSON.parse(first.stdout);
    expect(out.exitCode).toBe(2);
    expect(out.summary).toEqual({ invoices: 3, sent: 2, already_sent: 0, skipped: 1, failed: 0, unknown: 0 });
    const skipped = out.results.find((r: { invoice: { id: string } }) => r.invoice.id === 'INV-2');
    expect(skipped).toMatchObject({ outcome: 'refused', exitCode: 2, invoice: { id: 'INV-2', status: 'input_error' }, results: [] });
    expect(skipped.reason).toMatch(/^DATA_INVALID: .*invoices\.yaml:\d+:\d+: \[1\]\.lines\[0\]\.quantity is -1: must be greater than 0/);
    expect(skipped.gate.checks).toEqual([expect.objectContaining({ id: 'invoice.data', status: 'error', code: 'DATA_INVALID' })]);
    expect(out.results.filter((r: { outcome: string }) => r.outcome === 'sent').map((r: { invoice: { id: string } }) => r.invoice.id)).toEqual(['INV-1', 'INV-3']);
    expect(emailed()).toEqual(['INV-1', 'INV-3']);

    // The human report lists it with the reason.
    const human = await send(ws, ['--dry-run']);
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(/^- INV-2 {2}skipped {2}DATA_INVALID: .*quantity is -1/m);
    expect(human.stdout).toContain('Batch send: 3 invoices · 0 sent · 2 already sent · 1 skipped · 0 failed · 0 unknown');
    expect(human.stdout).toContain('DATA_INVALID: fix the invoice data at the file:line:column shown');

    writeFileSync(path.join(ws.dir, 'invoices.yaml'), JSON.stringify([invoice('INV-1'), invoice('INV-2'), invoice('INV-3')], null, 2));
    const again = await send(ws, ['--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).summary).toEqual({ invoices: 3, sent: 1, already_sent: 2, skipped: 0, failed: 0, unknown: 0 });
    expect(emailed()).toEqual(['INV-1', 'INV-2', 'INV-3']);
  });

  it('a file that does not parse at all is listed by its path; nothing it might hold is sent', async () => {
    ws = makeWorkspace(peers, { accounts: { shop: accountFor(peers, { channels: ['email'] }) }, invoices: [invoice('INV-1')] });
    writeFileSync(path.join(ws.dir, 'invoices.yaml'), '[ { id: INV-1,\n');
    const r = await send(ws, ['--json']);
    expect(r.code, r.stderr).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toMatchObject({ invoices: 1, sent: 0, skipped: 1 });
    expect(out.results[0].invoice.id).toMatch(/invoices\.yaml$/);
    expect(out.results[0].reason).toMatch(/DATA_INVALID: .*invoices\.yaml:\d+:\d+: /);
    expect(emailed()).toEqual([]);
  });
});
