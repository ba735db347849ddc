/**
 * Several hosts, one Postgres outbox: three `send --all` processes (the built CLI, as a user runs it)
 * over the same 300 invoices, email and SMS, against the local peers and one database; one of them is
 * SIGKILLed mid-batch. The other two finish the batch between them, taking over the dead one's claims;
 * what the dead one left ambiguous is settled as a person would (from the SMTP server's log: here, the
 * peer) and a re-run sends what is left. Counted at the peers: every invoice delivered exactly once per
 * channel.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { spawnCli, type CliExit } from '../support/spawn-cli.js';
import { adminQuery, usePostgresDatabase } from '../support/postgres.js';
import { accountFor, allSmtpMessages, invoice, makeWorkspace, rewriteConfig, TWILIO_SIDS, type SendWorkspace, usePeers } from '../send/workspace.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});
const db = usePostgresDatabase('hosts');

const INVOICES = Array.from({ length: 300 }, (_, i) => `INV-${i + 1}`);
const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;
const twilioMessages = () => peers.twilio.world.accounts[TWILIO_SIDS.active]!.messages;
const emailsFor = (id: string) => allSmtpMessages(peers).filter((m) => m.headers['x-invoice-id'] === id);
/** The invoice number (`2026-INV-1`) followed by no digit: INV-1 is not INV-10. */
const smsFor = (id: string) => twilioMessages().filter((m) => new RegExp(`2026-${id}(?!\\d)`).test(m.body));

describe('one Postgres outbox shared by several senders', () => {
  it('three send --all over the same 300 invoices, one SIGKILLed mid-batch in one of its sends: every invoice delivered exactly once per channel', async () => {
    const account = accountFor(peers, { name: 'Northwind Plumbing' }) as Record<string, any>;
    // Rate limits lifted: the senders' speed is not under test, their sharing is.
    account.payments.stripe.rate_per_second = 1000;
    account.email.rate_per_second = 1000;
    account.sms.twilio.rate_per_second = 1000;
    ws = makeWorkspace(peers, { accounts: { shop: account }, invoices: INVOICES.map((id) => invoice(id)) });
    rewriteConfig(ws, (config) => {
      config.journal = db.url;
    });
    const w = ws;
    const sendAll = () => spawnCli(['send', '--all', '--yes', '--json', '--config', w.config], { env: w.env });

    // The first sender starts alone, so that it is surely one of those doing the work; once it has sent ten
    // invoices, the two others join over the same 300.
    const a = sendAll();
    while (allSmtpMessages(peers).length < 10) {
      if (a.child.exitCode !== null || a.child.signalCode !== null) throw new Error(`the first sender ended early:\n${(await a.exited).stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [b, c] = [sendAll(), sendAll()];
    // It dies (SIGKILL, as a lost host) mid-batch, in the middle of one of its own sends: at an SMS it is
    // sending (its claim on the invoice says so), while Twilio holds the answer, twenty SMS after the
    // others joined. (Should it never be caught at one, it is killed at the 250th SMS anyway.)
    const joinedAt = twilioMessages().length;
    let posts = joinedAt;
    let killed = false;
    let killedHolding: string | undefined;
    peers.twilio.intercept = async (req) => {
      if (killed || req.method !== 'POST' || !req.path.endsWith('/Messages.json')) return;
      if (++posts < joinedAt + 20) return;
      const id = /2026-(INV-\d+)/.exec(new URLSearchParams(req.body).get('Body') ?? '')?.[1];
      const [claim] = id ? await adminQuery(`SELECT holder_pid FROM invoice_doctor.claims WHERE invoice = '${id}'`, db.name) : [];
      if (claim?.holder_pid !== a.child.pid && posts < 250) return;
      killed = true;
      if (claim?.holder_pid === a.child.pid) killedHolding = id;
      await a.kill();
    };
    const [first, second, third] = await Promise.all([a.exited, b.exited, c.exited]);
    peers.twilio.intercept = undefined;
    expect(first.signal).toBe('SIGKILL');
    expect(killedHolding, 'the first sender was caught sending').toMatch(/^INV-/);
    for (const exit of [second, third]) expectFinished(exit);

    // A re-run: whatever the dead sender left is finished here, or reported unknown.
    const rerun = await runCli(['send', '--all', '--yes', '--json', '--config', w.config], { env: w.env });
    expect([0, 3], rerun.stderr).toContain(rerun.code);
    const unknown = json(rerun.stdout).results.flatMap((r: any) => r.results.filter((ch: any) => ch.status === 'unknown').map((ch: any) => [r.invoice.id, ch.channel]));
    // Settled as a person would: the server's log (the peer) says whether it went out.
    for (const [id, channel] of unknown as Array<[string, string]>) {
      const delivered = (channel === 'email' ? emailsFor(id) : smsFor(id)).length;
      const settled = await runCli(['settle', id, '--channel', channel, '--as', delivered > 0 ? 'sent' : 'not-sent', '--json', '--config', w.config], { env: w.env });
      expect(settled.code, settled.stdout + settled.stderr).toBe(0);
    }
    const last = await runCli(['send', '--all', '--yes', '--json', '--config', w.config], { env: w.env });
    expect(last.code, last.stderr).toBe(0);
    const summary = json(last.stdout).summary;
    expect(summary.failed + summary.unknown + summary.skipped).toBe(0);
    expect(summary.sent + summary.already_sent).toBe(300);

    // Counted at the peers.
    const duplicates = INVOICES.filter((id) => emailsFor(id).length !== 1 || smsFor(id).length !== 1);
    expect(duplicates.map((id) => [id, emailsFor(id).length, smsFor(id).length])).toEqual([]);
    expect(allSmtpMessages(peers)).toHaveLength(300);
    expect(twilioMessages()).toHaveLength(300);

    // And the work was shared: the dead sender had delivered emails (the one it died on included: email goes
    // before SMS), and the others the rest.
    const rows = (await adminQuery(`SELECT DISTINCT record::json->>'run' AS run FROM invoice_doctor.events WHERE record::json->>'step' = 'email' AND record::json->>'phase' = 'result'`, db.name)) as Array<{ run: string }>;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // Nothing is left claimed but by the dead sender (a claim it took to find an invoice already sent, which
    // nobody needs again: taken over by whoever next claims that invoice).
    expect(await adminQuery(`SELECT DISTINCT holder_pid FROM invoice_doctor.claims WHERE holder_pid <> ${a.child.pid}`, db.name)).toEqual([]);
  }, 300_000);
});

/** A surviving sender ends normally: everything sent (0), or some outcome left unknown by the dead one (3). */
function expectFinished(exit: CliExit): void {
  expect(exit.signal, exit.stderr).toBeNull();
  expect([0, 3], exit.stderr).toContain(exit.code);
  const out = json(exit.stdout);
  expect(out.summary.invoices).toBe(300);
}
