import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { TWILIO_TOKEN } from '../fakes/twilio.js';
import { SMTP_PASS } from '../fakes/smtp.js';
import { BIN, runCli } from '../support/cli.js';
import { accountFor, CA, journalBytes, makeWorkspace, readJournal, STRIPE_KEYS, type SendWorkspace, usePeers } from './workspace.js';
import { OAUTH_ACCESS_TOKEN } from '../fakes/oauth2.js';

let ws: SendWorkspace | undefined;
const peers = usePeers(() => {
  ws?.cleanup();
  ws = undefined;
});

const send = (w: SendWorkspace, args: string[]) => runCli(['send', ...args, '--config', w.config], { env: w.env });
const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;
const smtpMessages = () => peers.smtp.starttls.messages;
const twilioPosts = () => peers.twilio.requests.filter((r) => r.method === 'POST');
const linkPosts = () => peers.stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_links');

describe('send: a full email + SMS send through the real SDKs and SMTP', () => {
  it('creates one payment link, sends one email and one SMS carrying it, and records them', async () => {
    ws = makeWorkspace(peers);
    const r = await send(ws, ['INV-1', '--yes', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    expect(out.outcome).toBe('sent');
    const link = out.paymentLink;
    expect(link.url).toMatch(/^https:\/\/buy\.stripe\.com\/test_/);
    expect(link.reused).toBe(false);
    expect(out.results.map((x: any) => [x.channel, x.status])).toEqual([['email', 'sent'], ['sms', 'sent']]);

    // Stripe: one link, inline price_data for the amount due, metadata, one payment at most.
    expect(linkPosts()).toHaveLength(1);
    const form = new URLSearchParams(linkPosts()[0]!.body);
    expect(form.get('line_items[0][price_data][unit_amount]')).toBe('12500');
    expect(form.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(form.get('metadata[invoice_id]')).toBe('INV-1');
    expect(form.get('metadata[invoice_number]')).toBe('2026-INV-1');
    expect(form.get('metadata[account]')).toBe('shop');
    expect(form.get('restrictions[completed_sessions][limit]')).toBe('1');
    expect(linkPosts()[0]!.headers['idempotency-key']).toMatch(/^invoice-doctor-link-/);

    // Email: text and HTML, amounts formatted, the link, nothing left unresolved, HTML escaped.
    expect(smtpMessages()).toHaveLength(1);
    const mail = smtpMessages()[0]!;
    expect(mail.to).toEqual(['dana@northwind-traders.com']);
    expect(mail.headers.subject).toContain('2026-INV-1');
    const raw = mail.raw.replace(/=\r\n/g, '').replace(/=3D/g, '=');
    expect(raw).toContain('multipart/alternative');
    expect(raw).toContain(link.url);
    expect(raw).toContain('$125.00');
    expect(raw).toContain('Valve <replacement> x 2: $30.00');
    expect(raw).toContain('Valve &lt;replacement&gt;');
    expect(raw).not.toMatch(/\{\{|\}\}/);

    // SMS: one message through the messaging service, with the link.
    expect(twilioPosts()).toHaveLength(1);
    const sms = new URLSearchParams(twilioPosts()[0]!.body);
    expect(sms.get('To')).toBe('+14155552671');
    expect(sms.get('Body')).toContain(link.url);
    expect(sms.get('Body')).toContain('$125.00');
    expect(sms.get('Body')).not.toMatch(/\{\{/);

    // The journal: intent before result for each step, no secret.
    const lines = readJournal(ws);
    expect(lines.map((l) => `${l.step}.${l.phase}`)).toEqual(['link.intent', 'link.result', 'email.intent', 'email.commit', 'email.result', 'sms.intent', 'sms.result']);
    const text = journalBytes(ws) + JSON.stringify(lines) + r.stdout + r.stderr;
    for (const secret of [SMTP_PASS, TWILIO_TOKEN, STRIPE_KEYS.good]) expect(text).not.toContain(secret);
  });

  it('a second run sends nothing and says when it was sent; --resend sends again with the same link', async () => {
    ws = makeWorkspace(peers);
    expect((await send(ws, ['INV-1', '--yes'])).code).toBe(0);
    const again = await send(ws, ['INV-1', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already sent/);
    expect(linkPosts()).toHaveLength(1);
    expect(smtpMessages()).toHaveLength(1);
    expect(twilioPosts()).toHaveLength(1);
    const resend = await send(ws, ['INV-1', '--yes', '--resend', '--json']);
    expect(resend.code).toBe(0);
    expect(json(resend.stdout).paymentLink.reused).toBe(true);
    expect(linkPosts()).toHaveLength(1);
    expect(smtpMessages()).toHaveLength(2);
    expect(twilioPosts()).toHaveLength(1 + 1);
  });

  it('--dry-run renders everything and writes nothing anywhere', async () => {
    ws = makeWorkspace(peers);
    const r = await send(ws, ['INV-1', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dry run');
    expect(r.stdout).toContain('Subject:');
    expect(r.stdout).toContain('dana@northwind-traders.com');
    expect(peers.stripe.writes()).toHaveLength(0);
    expect(peers.twilio.writes()).toHaveLength(0);
    expect(smtpMessages()).toHaveLength(0);
    // No record, no claim: the state folder is not even created.
    expect(existsSync(path.dirname(ws.journal))).toBe(false);
  });

  it('sends through OAuth2 (token refresh, then XOAUTH2) like through SMTP, and never prints the tokens', async () => {
    const oauthAccount = accountFor(peers, {
      channels: ['email'],
      email: {
        from: 'Northwind Plumbing <billing@acme.test>',
        transport: 'oauth2',
        oauth2: { user: 'billing@acme.test', client_id: 'fake-client-id.apps.googleusercontent.com', client_secret: '${OAUTH_CLIENT_SECRET}', refresh_token: '${OAUTH_REFRESH_TOKEN}', token_url: peers.oauth.tokenUrl, host: '127.0.0.1', port: peers.smtp.xoauth2.port, secure: false, ca_file: CA },
      },
    });
    ws = makeWorkspace(peers, { accounts: { shop: oauthAccount } });
    const r = await send(ws, ['INV-1', '--yes', '--json']);
    expect(r.code).toBe(0);
    expect(json(r.stdout).results.map((x: any) => [x.channel, x.status])).toEqual([['email', 'sent']]);
    expect(peers.smtp.xoauth2.messages.filter((m) => m.headers['x-invoice-id'] === 'INV-1')).toHaveLength(1);
    const everything = r.stdout + r.stderr + journalBytes(ws) + JSON.stringify(readJournal(ws));
    for (const secret of [peers.env.OAUTH_CLIENT_SECRET!, peers.env.OAUTH_REFRESH_TOKEN!, OAUTH_ACCESS_TOKEN]) expect(everything).not.toContain(secret);
  });

  it('on a terminal, shows the review and sends only after "y"; anything else cancels (exit 1, nothing written)', async () => {
    ws = makeWorkspace(peers, { accounts: { shop: accountFor(peers, { channels: ['email'], payments: { provider: 'stripe', stripe: { secret_key: STRIPE_KEYS.live, api_base: peers.stripe.url } } }) } });
    // util-linux `script` gives the CLI a pseudo-terminal; the answer is typed on its stdin.
    const onTty = (answer: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const command = [process.execPath, BIN, 'send', 'INV-1', '--config', ws!.config].map((a) => `'${a}'`).join(' ');
        const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...ws!.env, CI: '', NO_COLOR: '1' } });
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (/\[y\/N\]/.test(out) && !child.stdin.writableEnded) child.stdin.end(`${answer}\n`);
        });
        child.on('exit', (code) => resolve({ code, out }));
      });
    const no = await onTty('n');
    expect(no.out).toContain('Subject:');
    expect(no.out).toMatch(/LIVE Stripe key/);
    expect(no.out).toContain('Cancelled: nothing was sent.');
    expect(no.code).toBe(1);
    expect(peers.stripe.writes()).toHaveLength(0);
    expect(existsSync(ws.journal)).toBe(false);
    const yes = await onTty('y');
    expect(yes.code).toBe(0);
    expect(yes.out).toMatch(/email sent to dana@northwind-traders\.com/);
    expect(linkPosts()).toHaveLength(1);
  });

  it('refuses without --yes when not interactive (exit 2), saying so for a live key', async () => {
    ws = makeWorkspace(peers, { accounts: { shop: accountFor(peers, { payments: { provider: 'stripe', stripe: { secret_key: STRIPE_KEYS.live, api_base: peers.stripe.url } } }) } });
    const r = await send(ws, ['INV-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes/);
    expect(r.stderr).toMatch(/LIVE/);
    expect(peers.stripe.writes()).toHaveLength(0);
    expect(existsSync(ws.journal)).toBe(false);
  });
});
