// Customer data with terminal escape sequences, BEL and CR (a name pasted from a terminal, a spreadsheet
// cell) is sent to the real SMTP peer and the Twilio fake through the real SDKs: no message part carries
// them, and the human send report shows them escaped.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CUSTOMER, invoice, makeWorkspace, rewriteConfig, type SendWorkspace, usePeers } from './workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});

const HOSTILE_NAME = 'Dana\u001b]0;pwned\u0007 Whit\u001b[2Jfield \u001b]8;;https://evil.example\u001b\\click here\u001b]8;;\u001b\\ ring\u0007 cr\rX \u202eRLO \u009b31m';
// Every character that must not reach a customer's mail client or phone, nor the terminal.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The decoded text of every part of a MIME message (quoted-printable or base64), headers included. */
function decodedParts(raw: string): string {
  const out: string[] = [];
  for (const part of raw.split(/\r\n--[^\r\n]+\r\n/)) {
    const [head = '', ...rest] = part.split('\r\n\r\n');
    const body = rest.join('\r\n\r\n');
    out.push(head.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')));
    if (/content-transfer-encoding:\s*base64/i.test(head)) out.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    else if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) out.push(Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
    else out.push(body);
  }
  return out.join('\n');
}

describe('send: control characters in the data never reach a message or the terminal', () => {
  it('a customer name and a line description with ESC sequences, OSC 8, BEL and CR: email (subject, text, HTML) and SMS carry none', async () => {
    ws = makeWorkspace(peers, {
      invoices: [invoice('INV-1', {
        customer: { ...CUSTOMER, name: HOSTILE_NAME },
        lines: [{ description: 'Boiler \u001b[31mservice\u001b[0m\u0007\r', quantity: 1, unit_amount: 9500 }],
      })],
    });
    const r = await runCli(['send', 'INV-1', '--yes', '--config', ws.config], { env: ws.env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);

    const mail = peers.smtp.starttls.messages;
    expect(mail).toHaveLength(1);
    const text = decodedParts(mail[0]!.raw).replace(/\r\n/g, '\n');
    expect(mail[0]!.headers.subject).toBe('Invoice 2026-INV-1 from Northwind Plumbing');
    expect(text).toContain('Hello Dana Whitfield click here ring crX RLO ,'); // the 8-bit CSI goes whole, like ESC [
    expect(text).toContain('<p>Hello Dana Whitfield click here ring crX RLO ,');
    expect(text).toContain('- Boiler service x 1: $95.00');
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).not.toContain('evil.example');
    expect(text).not.toContain('pwned');

    const sms = peers.twilio.requests.filter((x) => x.method === 'POST');
    expect(sms).toHaveLength(1);
    const body = new URLSearchParams(sms[0]!.body).get('Body')!;
    expect(body).toMatch(/^Northwind Plumbing: invoice 2026-INV-1 for \$95\.00/);
    expect(body).not.toMatch(RAW_CONTROL);
  });

  it('send --all: a data problem in a file whose name holds escape sequences is shown escaped in the batch lines and the summary table', async () => {
    ws = makeWorkspace(peers, { invoices: [invoice('INV-1')] });
    mkdirSync(path.join(ws.dir, 'invoices'));
    writeFileSync(path.join(ws.dir, 'invoices', 'INV-1.yaml'), JSON.stringify(invoice('INV-1')));
    writeFileSync(path.join(ws.dir, 'invoices', 'bad\u001b[2J\u001b]0;pwned\u0007.yaml'), 'id: BAD-1\nstatus: validated\nlines: [ { description: x, quantity: -1, unit_amount: 100 } ]\n');
    rewriteConfig(ws, (c) => (c.data.invoices = './invoices'));
    const r = await runCli(['send', '--all', '--status', 'validated', '--channel', 'email', '--yes', '--config', ws.config], { env: ws.env });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stdout).toContain('bad\\x1b[2J\\x1b]0;pwned\\x07.yaml');
    expect(peers.smtp.starttls.messages).toHaveLength(1); // the healthy invoice still went out
  });

  it('the dry-run plan shows the data escaped', async () => {
    ws = makeWorkspace(peers, { invoices: [invoice('INV-1', { number: '2026-\u001b[2J1', customer: { ...CUSTOMER, name: HOSTILE_NAME } })] });
    const r = await runCli(['send', 'INV-1', '--dry-run', '--config', ws.config], { env: ws.env });
    expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stdout + r.stderr).toContain('no. 2026-\\x1b[2J1');
  });
});
