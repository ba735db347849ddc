/**
 * Review of issue 11 ("a damaged journal makes send refuse; never twice"): a journal whose `result: sent`
 * line survived but whose intent line did not (deleted, or cut short in the middle of the file) is not
 * what a crash leaves — a result is written only after its intent was flushed. The surviving result is
 * positive proof that the message went out, yet the reader drops it ("nothing to attach it to") and the
 * next `send` delivers the email and the SMS a second time, exit 0.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { allSmtpMessages, makeWorkspace, readJournal, rewriteConfig, rewriteJournal, TWILIO_SIDS, type SendWorkspace, usePeers } from '../send/workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});

const send = (w: SendWorkspace) => runCli(['send', 'INV-1', '--yes', '--json', '--config', w.config], { env: w.env });
const twilioMessages = () => peers.twilio.world.accounts[TWILIO_SIDS.active]!.messages;

/**
 * The history with its intents damaged, as a damaged disk or a careless edit would leave it: in the outbox
 * database (records deleted), or in a JSONL journal of invoice-doctor 0.1 that the next run imports (lines
 * deleted or cut short in the middle of the file).
 */
function damage(w: SendWorkspace, edit: (line: Record<string, any>, raw: string) => string | undefined, where: 'database' | 'jsonl'): void {
  if (where === 'database') {
    rewriteJournal(w, (records) => records.filter((r) => edit(r, JSON.stringify(r)) !== undefined));
    return;
  }
  const out = readJournal(w).map((r) => edit(r, JSON.stringify(r))).filter((l): l is string => l !== undefined);
  const legacy = path.join(w.dir, 'legacy', 'journal.jsonl');
  mkdirSync(path.dirname(legacy));
  writeFileSync(legacy, out.map((l) => `${l}\n`).join(''));
  rewriteConfig(w, (c) => (c.journal = legacy));
}

describe('a sent result whose intent line is gone', () => {
  const cases: Array<[string, (line: Record<string, any>, raw: string) => string | undefined, 'database' | 'jsonl']> = [
    ['the intent records deleted from the database', (line, raw) => (line.step !== 'link' && line.phase === 'intent' ? undefined : raw), 'database'],
    ['the intent lines deleted from a JSONL journal to import', (line, raw) => (line.step !== 'link' && line.phase === 'intent' ? undefined : raw), 'jsonl'],
    ['the intent lines cut short mid-file in a JSONL journal to import (later lines follow)', (line, raw) => (line.step !== 'link' && line.phase === 'intent' ? raw.slice(0, 60) : raw), 'jsonl'],
  ];
  for (const [name, edit, where] of cases) {
    it(`${name}: send does not deliver either channel again (refuses, or reports it sent)`, async () => {
      ws = makeWorkspace(peers);
      const first = await send(ws);
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect(allSmtpMessages(peers)).toHaveLength(1);
      expect(twilioMessages()).toHaveLength(1);

      damage(ws, edit, where);
      const again = await send(ws);
      // Never twice: one email and one SMS at the peers, whatever the exit code says.
      expect(allSmtpMessages(peers), again.stdout).toHaveLength(1);
      expect(twilioMessages(), again.stdout).toHaveLength(1);
      expect([0, 3]).toContain(again.code);
    });
  }
});
