/**
 * Review of issue 11 ("a damaged journal index is rebuilt"; "special files … never a hang"): the index beside
 * the journal (`journal.jsonl.index/`, "a cache … delete it at will") is read with plain `readFile`, past the
 * input guard. One of its files replaced by a FIFO, or by a link to /dev/zero, makes `send` and `status` hang
 * (the FIFO: for ever, holding the invoice's lock; /dev/zero: until memory runs out) instead of treating the
 * file as damaged and rebuilding the index from the journal.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliProcess as runCli } from '../support/cli.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A workspace that needs no peer: no payments, the SMS written by the file transport. */
function workspace(): { config: string; index: string } {
  dir = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-review-'));
  const config = {
    version: 1,
    data: { invoices: './invoices.yaml' },
    journal: './state/journal.jsonl',
    accounts: { shop: { name: 'Shop', country: 'US', channels: ['sms'], payments: { provider: 'none' }, sms: { transport: 'file', file: { dir: './outbox' } } } },
  };
  const invoice = {
    id: 'INV-1', number: '2026-1', account: 'shop', status: 'validated', currency: 'USD',
    customer: { name: 'Dana', email: 'dana@example.org', phone: '+14155552671' },
    lines: [{ description: 'Service', quantity: 1, unit_amount: 9500 }], issued_on: '2026-11-01', due_on: '2026-12-01',
  };
  writeFileSync(path.join(dir, 'invoice-doctor.yaml'), JSON.stringify(config));
  writeFileSync(path.join(dir, 'invoices.yaml'), JSON.stringify([invoice]));
  return { config: path.join(dir, 'invoice-doctor.yaml'), index: path.join(dir, 'state', 'journal.jsonl.index') };
}

const cases: Array<[string, string, (file: string) => void]> = [
  ['the delta file a FIFO', '.delta', (file) => execFileSync('mkfifo', [file])],
  ['the base file a FIFO', '.base', (file) => execFileSync('mkfifo', [file])],
  ['the problems file a link to /dev/zero', '.problems', (file) => symlinkSync('/dev/zero', file)],
];

describe('an index file that is a special file', () => {
  for (const [name, suffix, replace] of cases) {
    it(`${name}: send answers "already sent" (the index rebuilt), without hanging`, async () => {
      const w = workspace();
      const send = () => runCli(['send', 'INV-1', '--yes', '--json', '--config', w.config], { killAfterMs: 30_000 });
      expect((await send()).code).toBe(0);
      expect((await send()).code).toBe(0); // the second run reads through the index
      const file = readdirSync(w.index).find((f) => f.endsWith(suffix));
      expect(file, readdirSync(w.index).join(', ')).toBeDefined();
      rmSync(path.join(w.index, file!));
      replace(path.join(w.index, file!));

      const again = await send();
      expect(again.code, `killed after 30 s (the run hung on the index file) or failed: ${again.stderr}`).toBe(0);
      expect(JSON.parse(again.stdout).outcome).toBe('already_sent');
    }, 90_000);
  }
});
