/**
 * Review of issue 11 ("a damaged journal makes send refuse; never twice"): a journal whose `result: sent`
 * line survived but whose intent line did not (deleted, or cut short in the middle of the file) is not
 * what a crash leaves — a result is written only after its intent was flushed. The surviving result is
 * positive proof that the message went out, yet the reader drops it ("nothing to attach it to") and the
 * next `send` delivers the email and the SMS a second time, exit 0.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { allSmtpMessages, makeWorkspace, TWILIO_SIDS, type SendWorkspace, usePeers } from '../send/workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});

const send = (w: SendWorkspace) => runCli(['send', 'INV-1', '--yes', '--json', '--config', w.config], { env: w.env });
const twilioMessages = () => peers.twilio.world.accounts[TWILIO_SIDS.active]!.messages;

/** Rewrites the journal line by line (and drops the index, a cache), as a damaged disk or a careless edit would. */
function damage(w: SendWorkspace, edit: (line: Record<string, any>, raw: string) => string | undefined): void {
  const lines = readFileSync(w.journal, 'utf8').split('\n').filter((l) => l !== '');
  const out = lines.map((raw) => edit(JSON.parse(raw) as Record<string, any>, raw)).filter((l): l is string => l !== undefined);
  writeFileSync(w.journal, out.map((l) => `${l}\n`).join(''));
  rmSync(`${w.journal}.index`, { recursive: true, force: true });
}

describe('a sent result whose intent line is gone', () => {
  const cases: Array<[string, (line: Record<string, any>, raw: string) => string | undefined]> = [
    ['the intent lines deleted', (line, raw) => (line.step !== 'link' && line.phase === 'intent' ? undefined : raw)],
    ['the intent lines cut short mid-file (not at the end: later lines follow)', (line, raw) => (line.step !== 'link' && line.phase === 'intent' ? raw.slice(0, 60) : raw)],
  ];
  for (const [name, edit] of cases) {
    it(`${name}: send does not deliver either channel again (refuses, or reports it sent)`, async () => {
      ws = makeWorkspace(peers);
      const first = await send(ws);
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect(allSmtpMessages(peers)).toHaveLength(1);
      expect(twilioMessages()).toHaveLength(1);

      damage(ws, edit);
      const again = await send(ws);
      // Never twice: one email and one SMS at the peers, whatever the exit code says.
      expect(allSmtpMessages(peers), again.stdout).toHaveLength(1);
      expect(twilioMessages(), again.stdout).toHaveLength(1);
      expect([0, 3]).toContain(again.code);
    });
  }
});
