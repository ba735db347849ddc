/**
 * `send` end to end, as a process against the real peers: the gate (the same checks as `check`) refuses
 * every failing channel before anything is written; --channel / --to-* / --message; amounts per currency;
 * payments off with file transports; a connected account and a link refused by Stripe; SMS from a number
 * and a synchronous Twilio refusal; a torn journal line; and no secret anywhere in what it prints or records.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SMTP_WRONG_PASS } from '../fakes/peers.js';
import { STRIPE_ACCOUNTS } from '../fakes/stripe.js';
import { TWILIO_TOKEN } from '../fakes/twilio.js';
import { SMTP_PASS } from '../fakes/smtp.js';
import { runCli, type CliResult } from '../support/cli.js';
import {
  accountFor,
  allSmtpMessages,
  CUSTOMER,
  invoice,
  journalBytes,
  makeWorkspace,
  readJournal,
  STRIPE_KEYS,
  toLegacyJournal,
  TWILIO_NUMBERS,
  TWILIO_SERVICES,
  TWILIO_SIDS,
  type SendWorkspace,
  usePeers,
} from './workspace.js';

/** every workspace a test made, removed after it */
const workspaces: SendWorkspace[] = [];
const peers = usePeers(() => {
  for (const w of workspaces.splice(0)) w.cleanup();
});

const send = (w: SendWorkspace, args: string[]) => runCli(['send', ...args, '--config', w.config], { env: w.env });
const status = (w: SendWorkspace, args: string[] = []) => runCli(['status', 'INV-1', ...args, '--config', w.config], { env: w.env });
const json = (r: CliResult) => JSON.parse(r.stdout) as Record<string, any>;
const linkPosts = () => peers.stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_links');
const smsPosts = () => peers.twilio.requests.filter((r) => r.method === 'POST');
const gateCheck = (out: Record<string, any>, id: string) => (out.gate.checks as Record<string, any>[]).find((c) => c.id === id)!;
/** The workspace with one account built from accountFor(peers, overrides). */
function workspace(overrides: Record<string, unknown> = {}, invoices?: Record<string, unknown>[]): SendWorkspace {
  const w = makeWorkspace(peers, { accounts: { shop: accountFor(peers, overrides) }, ...(invoices ? { invoices } : {}) });
  workspaces.push(w);
  return w;
}
const stripeWith = (secret_key: string, extra: Record<string, unknown> = {}) => ({ payments: { provider: 'stripe', stripe: { secret_key, api_base: peers.stripe.url, ...extra } } });
const twilioWith = (twilio: Record<string, unknown>) => ({ sms: { transport: 'twilio', twilio: { auth_token: '${TWILIO_AUTH_TOKEN}', api_base: peers.twilio.url, ...twilio } } });

/** Nothing left the building: no Stripe or Twilio write, no SMTP message, no journal (not even its folder). */
function expectNothingSent(w: SendWorkspace): void {
  expect(peers.stripe.writes()).toHaveLength(0);
  expect(peers.twilio.writes()).toHaveLength(0);
  expect(allSmtpMessages(peers)).toHaveLength(0);
  expect(existsSync(w.journal)).toBe(false);
}

/** A refusal by the gate, human output: the check's failure and remediation as `check` prints them, then why nothing was sent. */
function expectRefusedHuman(r: CliResult, code: string): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(new RegExp(`✗ fail .*\\[${code}\\]`));
  expect(r.stdout).toMatch(/Fix:\n\s+1\. /);
  expect(r.stdout).toMatch(/NOT READY/);
  expect(r.stdout).toContain('Nothing was sent: a check above failed; fix it and run send again.');
}

/** A refusal by the gate, --json: outcome refused, no results, and the failing check in `gate` with its remediation. */
function expectRefusedJson(r: CliResult, checkId: string, code: string, exitCode = 1): Record<string, any> {
  expect(r.code).toBe(exitCode);
  const out = json(r);
  expect(out).toMatchObject({ schemaVersion: 1, command: 'send', outcome: 'refused', exitCode, paymentLink: null, results: [] });
  expect(out.gate.ready).toBe(false);
  const check = gateCheck(out, checkId);
  expect(check).toMatchObject({ status: exitCode === 1 ? 'fail' : 'error', code });
  expect(check.remediation.length).toBeGreaterThan(0);
  return out;
}

/** The parts of a MIME message: each part's headers (lower-case) and decoded body. */
function mimeParts(raw: string): { headers: Record<string, string>; body: string }[] {
  const split = (s: string) => {
    const at = s.search(/\r?\n\r?\n/);
    const head = s.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
    const headers = Object.fromEntries(head.split(/\r?\n/).map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    return { headers, body: s.slice(at).replace(/^\r?\n\r?\n/, '') };
  };
  const top = split(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(top.headers['content-type'] ?? '')?.[1];
  if (!boundary) return [top];
  return top.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => split(p.replace(/^\r?\n/, '')))
    .map(({ headers, body }) => ({
      headers,
      body: /quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')
        ? Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
        : /base64/i.test(headers['content-transfer-encoding'] ?? '')
          ? Buffer.from(body, 'base64').toString('utf8')
          : body,
    }));
}

const textPart = (raw: string) => mimeParts(raw).find((p) => p.headers['content-type']?.startsWith('text/plain'))!.body;
const htmlPart = (raw: string) => mimeParts(raw).find((p) => p.headers['content-type']?.startsWith('text/html'))!.body;

describe('the gate: a failing check refuses the send, nothing is sent, the failure and its fix are printed', () => {
  it('a revoked Stripe key: STRIPE_AUTH_FAILED, printed exactly as `check` prints it', async () => {
    const w = workspace(stripeWith(STRIPE_KEYS.revoked));
    const r = await send(w, ['INV-1', '--yes']);
    expectRefusedHuman(r, 'STRIPE_AUTH_FAILED');
    expect(r.stdout).toContain('Stripe rejected the test-mode secret key in accounts.shop.payments.stripe.secret_key');
    expectNothingSent(w);

    // Same renderer as `check`: the failing check's block is the same, word for word (request ids aside).
    const check = await runCli(['check', 'INV-1', '--config', w.config], { env: w.env });
    expect(check.code).toBe(1);
    const block = (out: string) => out.slice(out.indexOf('✗ fail  Stripe credentials'), out.indexOf('– skip  Stripe onboarding')).replace(/req_fake\d+/g, 'req_X');
    expect(block(r.stdout)).toContain('Why:');
    expect(block(r.stdout)).toBe(block(check.stdout));
  });

  it('Stripe onboarding incomplete: STRIPE_ONBOARDING_INCOMPLETE in the JSON gate', async () => {
    const w = workspace(stripeWith(STRIPE_KEYS.notSubmitted));
    const out = expectRefusedJson(await send(w, ['INV-1', '--yes', '--json']), 'stripe.onboarding', 'STRIPE_ONBOARDING_INCOMPLETE');
    expect(out.gate.channels).toEqual({ email: 'not_ready', sms: 'not_ready' });
    expect(out.channels).toEqual(['email', 'sms']);
    expect(gateCheck(out, 'stripe.credentials').status).toBe('pass');
    expectNothingSent(w);
  });

  it('a draft invoice: INVOICE_DRAFT', async () => {
    const w = workspace({}, [invoice('INV-1', { status: 'draft' })]);
    const r = await send(w, ['INV-1', '--yes']);
    expectRefusedHuman(r, 'INVOICE_DRAFT');
    expectNothingSent(w);
  });

  it('no email on the customer, channel email: EMAIL_MISSING (only email is gated)', async () => {
    const w = workspace({}, [invoice('INV-1', { customer: { name: 'Dana', phone: CUSTOMER.phone } })]);
    const out = expectRefusedJson(await send(w, ['INV-1', '--channel', 'email', '--yes', '--json']), 'recipient.email', 'EMAIL_MISSING');
    expect(out.channels).toEqual(['email']);
    expect(out.gate.channels).toEqual({ email: 'not_ready' });
    // Checks that gate only SMS were not even asked.
    expect(gateCheck(out, 'sms.account').status).toBe('skip');
    expect(peers.twilio.requests).toHaveLength(0);
    expectNothingSent(w);
  });

  it('an invalid --to-email: EMAIL_INVALID on the override, not on the address on file', async () => {
    const w = workspace();
    const out = expectRefusedJson(await send(w, ['INV-1', '--to-email', 'dana@@northwind-traders', '--yes', '--json']), 'recipient.email', 'EMAIL_INVALID');
    expect(gateCheck(out, 'recipient.email').message).toContain('dana@@northwind-traders');
    // The other channel was fine, but a refused gate sends nothing at all.
    expect(out.gate.channels).toEqual({ email: 'not_ready', sms: 'ready' });
    expectNothingSent(w);
  });

  it('--to-phone a landline: PHONE_NOT_MOBILE; --to-phone an invalid number: PHONE_INVALID', async () => {
    const w = workspace();
    const landline = await send(w, ['INV-1', '--to-phone', '+442071838750', '--yes']);
    expectRefusedHuman(landline, 'PHONE_NOT_MOBILE');
    expect(landline.stdout).toContain('+442071838750 is a landline number (GB)');
    expect(landline.stdout).toMatch(/email: ready · sms: not ready/);

    const invalid = await send(w, ['INV-1', '--to-phone', '+1415555', '--channel', 'sms', '--yes', '--json']);
    const out = expectRefusedJson(invalid, 'recipient.phone', 'PHONE_INVALID');
    expect(gateCheck(out, 'recipient.phone').data.input).toBe('+1415555');
    expectNothingSent(w);
  });

  it('a suspended Twilio account: TWILIO_ACCOUNT_SUSPENDED, and the email (ready) is not sent either', async () => {
    const w = workspace(twilioWith({ account_sid: TWILIO_SIDS.suspended, messaging_service_sid: TWILIO_SERVICES.good }));
    const out = expectRefusedJson(await send(w, ['INV-1', '--yes', '--json']), 'sms.account', 'TWILIO_ACCOUNT_SUSPENDED');
    expect(out.gate.channels).toEqual({ email: 'ready', sms: 'not_ready' });
    expectNothingSent(w);
  });

  it('a wrong SMTP password: SMTP_AUTH_FAILED, and the password is never printed', async () => {
    const w = workspace({ email: { ...(accountFor(peers).email as Record<string, any>), smtp: { ...(accountFor(peers).email as any).smtp, pass: '${SMTP_WRONG_PASS}' } } });
    const r = await send(w, ['INV-1', '--channel', 'email', '--yes', '--verbose']);
    expectRefusedHuman(r, 'SMTP_AUTH_FAILED');
    expect(r.stdout).toContain('rejected the login of accounts.shop.email.smtp.user / pass');
    for (const secret of [SMTP_WRONG_PASS, SMTP_PASS]) expect(r.stdout + r.stderr).not.toContain(secret);
    expect(peers.smtp.starttls.authAttempts.length).toBeGreaterThan(0);
    expectNothingSent(w);
  });

  it('a check that cannot be completed (Stripe 500, Stripe 429, Twilio hanging past --timeout) → exit 3, nothing sent', { timeout: 40_000 }, async () => {
    const w500 = workspace(stripeWith(STRIPE_KEYS.serverError));
    const r500 = await send(w500, ['INV-1', '--yes']);
    expect(r500.code).toBe(3);
    expect(r500.stdout).toMatch(/\[STRIPE_UNAVAILABLE\]/);
    expect(r500.stdout).toContain('Nothing was sent: a check above could not be completed (a service did not answer); run send again shortly.');
    expectNothingSent(w500);

    const w429 = workspace(stripeWith(STRIPE_KEYS.rateLimited));
    const out429 = expectRefusedJson(await send(w429, ['INV-1', '--yes', '--json']), 'stripe.credentials', 'STRIPE_UNAVAILABLE', 3);
    expect(out429.gate.channels).toEqual({ email: 'unknown', sms: 'unknown' });
    expectNothingSent(w429);

    const wHang = workspace(twilioWith({ account_sid: TWILIO_SIDS.hang, from: TWILIO_NUMBERS.usLocal }));
    // A --timeout roomy enough for the healthy services on a loaded machine; Twilio, which never answers,
    // still ends as that check's error (the SDK's own timeout is set below the check's), never as a hang.
    const hang = await send(wHang, ['INV-1', '--yes', '--json', '--timeout', '6000']);
    expect(hang.code).toBe(3);
    const out = json(hang);
    expect(out.outcome).toBe('refused');
    expect(out.gate.channels).toEqual({ email: 'ready', sms: 'unknown' });
    expect(gateCheck(out, 'sms.account').status).toBe('error');
    expectNothingSent(wHang);
  });
});

describe('--channel, --message', () => {
  it('--channel sms sends only the SMS', async () => {
    const w = workspace();
    const r = await send(w, ['INV-1', '--channel', 'sms', '--yes', '--json']);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.channels).toEqual(['sms']);
    expect(out.results.map((x: any) => [x.channel, x.status])).toEqual([['sms', 'sent']]);
    expect(Object.keys(out.gate.channels)).toEqual(['sms']);
    expect(allSmtpMessages(peers)).toHaveLength(0);
    // The SMS gate does not even connect to the mail server.
    expect(peers.smtp.starttls.connections).toBe(0);
    expect(smsPosts()).toHaveLength(1);
    expect(readJournal(w).map((l) => l.step)).not.toContain('email');
  });

  it("without --channel, the account's channels: an email-only account sends no SMS", async () => {
    const w = workspace({ channels: ['email'] });
    const r = await send(w, ['INV-1', '--yes', '--json']);
    expect(r.code).toBe(0);
    expect(json(r).results.map((x: any) => x.channel)).toEqual(['email']);
    expect(allSmtpMessages(peers)).toHaveLength(1);
    expect(peers.twilio.requests).toHaveLength(0);
  });

  it('usage errors (exit 2) before anything is asked or written: unknown channel, --to-email without email, --message too long', async () => {
    const w = workspace();
    const unknown = await send(w, ['INV-1', '--channel', 'fax', '--yes']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--channel fax: expected email, sms, or both');

    const toEmail = await send(w, ['INV-1', '--channel', 'sms', '--to-email', 'other@northwind-traders.com', '--yes']);
    expect(toEmail.code).toBe(2);
    expect(toEmail.stderr).toContain('--to-email was given, but email is not among the channels to send.');

    const long = await send(w, ['INV-1', '--message', 'x'.repeat(161), '--yes']);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('--message is 161 characters; at most 160 are allowed');

    for (const r of [unknown, toEmail, long]) expect(r.stdout).toBe('');
    expect(peers.stripe.requests).toHaveLength(0);
    expect(peers.twilio.requests).toHaveLength(0);
    expect(peers.smtp.starttls.connections).toBe(0);
    expectNothingSent(w);
  });

  it('--message at 160 characters is accepted; it appears in both messages, HTML-escaped in the HTML part', async () => {
    const note = 'Thanks <Dana> & "co" for the quick fix!';
    const w = workspace();
    const r = await send(w, ['INV-1', '--message', note, '--yes']);
    expect(r.code).toBe(0);
    const raw = allSmtpMessages(peers)[0]!.raw;
    expect(textPart(raw)).toContain(note);
    expect(htmlPart(raw)).toContain('Thanks &lt;Dana&gt; &amp; &quot;co&quot; for the quick fix!');
    expect(htmlPart(raw)).not.toContain('<Dana>');
    const body = new URLSearchParams(smsPosts()[0]!.body).get('Body')!;
    expect(body).toContain(note);
    expect(body.endsWith(note)).toBe(true);

    // Exactly 160 characters is the limit, not over it (checked with --dry-run: nothing is written).
    const max = await send(w, ['INV-1', '--message', 'y'.repeat(160), '--resend', '--dry-run']);
    expect(max.code).toBe(0);
    expect(max.stdout).toContain('y'.repeat(160));
  });
});

describe('--to-email / --to-phone: another recipient for this send only', () => {
  it('the peers receive the override, the journal and status show it, the invoice data is unchanged', async () => {
    const w = workspace();
    const invoicesBefore = readFileSync(path.join(w.dir, 'invoices.yaml'), 'utf8');
    const r = await send(w, ['INV-1', '--to-email', 'accounts@northwind-traders.com', '--to-phone', '+14155552672', '--yes', '--json']);
    expect(r.code).toBe(0);
    expect(json(r).results.map((x: any) => [x.channel, x.to])).toEqual([['email', 'accounts@northwind-traders.com'], ['sms', '+14155552672']]);
    const mail = allSmtpMessages(peers);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.to).toEqual(['accounts@northwind-traders.com']);
    expect(mail[0]!.headers.to).toBe('accounts@northwind-traders.com');
    expect(new URLSearchParams(smsPosts()[0]!.body).get('To')).toBe('+14155552672');
    const intents = readJournal(w).filter((l) => l.phase === 'intent' && l.step !== 'link');
    expect(intents.map((l) => [l.step, l.to])).toEqual([['email', 'accounts@northwind-traders.com'], ['sms', '+14155552672']]);
    expect(readFileSync(path.join(w.dir, 'invoices.yaml'), 'utf8')).toBe(invoicesBefore);

    const st = await status(w, ['--json']);
    expect(st.code).toBe(0);
    const s = json(st);
    expect(s.channels.email.to).toBe('accounts@northwind-traders.com');
    expect(s.channels.sms.to).toBe('+14155552672');
    expect(s.attempts.map((a: any) => a.to)).toEqual(['accounts@northwind-traders.com', '+14155552672']);

    // A national number in the override is sent in E.164 (read with the account's country).
    const again = await send(w, ['INV-1', '--channel', 'sms', '--to-phone', '(415) 555-2673', '--resend', '--yes', '--json']);
    expect(again.code).toBe(0);
    expect(new URLSearchParams(smsPosts()[1]!.body).get('To')).toBe('+14155552673');
    expect(json(again).results[0].to).toBe('+14155552673');
  });
});

describe('amounts in the messages and in the link, per currency', () => {
  const foreign = (country: string, currency: string, lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
    workspace({ country, channels: ['email', 'sms'], sms: { transport: 'file', file: { dir: './outbox/sms' } } }, [invoice('INV-1', { currency, lines, ...extra })]);
  const smsFile = (w: SendWorkspace) => {
    const dir = path.join(w.dir, 'outbox/sms');
    return readFileSync(path.join(dir, readdirSync(dir)[0]!), 'utf8');
  };

  it.each([
    { country: 'DE', currency: 'EUR', due: '€1,234.50', unit: '123450', line: '€1,234.50' },
    { country: 'IE', currency: 'EUR', due: '€1,234.50', unit: '123450', line: '€1,234.50' },
    { country: 'GB', currency: 'GBP', due: '£1,234.50', unit: '123450', line: '£1,234.50' },
    { country: 'JP', currency: 'JPY', due: '¥123,450', unit: '123450', line: '¥123,450' },
  ])('$currency for a $country account: $due, link unit_amount $unit', async ({ country, currency, due, unit, line }) => {
    const w = foreign(country, currency, [{ description: 'Boiler service', quantity: 1, unit_amount: 123450 }]);
    const r = await send(w, ['INV-1', '--yes', '--json']);
    expect(r.code, r.stdout).toBe(0);
    const form = new URLSearchParams(linkPosts()[0]!.body);
    expect(form.get('line_items[0][price_data][unit_amount]')).toBe(unit);
    expect(form.get('line_items[0][price_data][currency]')).toBe(currency.toLowerCase());
    const text = textPart(allSmtpMessages(peers)[0]!.raw);
    expect(text).toContain(`Amount due: ${due}`);
    expect(text).toContain(`- Boiler service x 1: ${line}`);
    expect(smsFile(w)).toContain(`for ${due} is due`);
    if (currency === 'JPY') expect(text).not.toMatch(/¥[\d,]+\.\d/);
    expect(json(r).paymentLink).toMatchObject({ amount: 123450, currency });
  });

  it('a partly paid invoice: the link is for the remainder, the messages say what is left', async () => {
    const w = workspace({}, [invoice('INV-1', { amount_paid: 2500 })]);
    const r = await send(w, ['INV-1', '--yes', '--json']);
    expect(r.code).toBe(0);
    const form = new URLSearchParams(linkPosts()[0]!.body);
    expect(form.get('line_items[0][price_data][unit_amount]')).toBe('10000');
    expect(json(r).invoice.amountDue).toBe(10000);
    const text = textPart(allSmtpMessages(peers)[0]!.raw);
    expect(text).toContain('Total: $125.00');
    expect(text).toContain('Amount due: $100.00');
    expect(new URLSearchParams(smsPosts()[0]!.body).get('Body')).toContain('for $100.00 is due');
    expect(peers.stripe.paymentLinks()[0]!.amount).toBe(10000);
  });
});

describe('payments off, file transports', () => {
  it('no Stripe request at all, an .eml (multipart text + HTML) and an .sms.txt without a link; a re-run sends nothing', async () => {
    const w = workspace({
      payments: { provider: 'none' },
      email: { from: 'Northwind Plumbing <billing@northwind-plumbing.com>', transport: 'file', file: { dir: './outbox/mail' } },
      sms: { transport: 'file', file: { dir: './outbox/sms' } },
    });
    const r = await send(w, ['INV-1', '--yes', '--json']);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.paymentLink).toBeNull();
    expect(out.results.map((x: any) => [x.channel, x.status])).toEqual([['email', 'sent'], ['sms', 'sent']]);
    expect(gateCheck(out, 'stripe.credentials').status).toBe('skip');
    expect(peers.stripe.requests).toHaveLength(0);
    expect(peers.twilio.requests).toHaveLength(0);
    expect(allSmtpMessages(peers)).toHaveLength(0);

    const mailDir = path.join(w.dir, 'outbox/mail');
    const smsDir = path.join(w.dir, 'outbox/sms');
    const [eml] = readdirSync(mailDir);
    expect(eml).toMatch(/^INV-1-[0-9a-f]+\.eml$/);
    expect(out.results[0].file).toBe(path.join(mailDir, eml!));
    const raw = readFileSync(path.join(mailDir, eml!), 'utf8');
    const headers = raw.slice(0, raw.search(/\r?\n\r?\n/));
    expect(headers).toMatch(/^Subject: Invoice 2026-INV-1 from Northwind Plumbing$/m);
    expect(headers).toMatch(/^To: dana@northwind-traders\.com$/m);
    expect(headers).toMatch(/^X-Invoice-ID: INV-1$/im);
    expect(headers).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(mimeParts(raw).map((p) => p.headers['content-type']!.split(';')[0])).toEqual(['text/plain', 'text/html']);
    expect(textPart(raw)).toContain('Amount due: $125.00');
    expect(htmlPart(raw)).toContain('Hello Dana Whitfield &lt;b&gt;&amp;&lt;/b&gt;');
    expect(raw).not.toMatch(/stripe|Pay securely|\{\{/i);

    const [sms] = readdirSync(smsDir);
    expect(sms).toMatch(/^INV-1-[0-9a-f]+\.sms\.txt$/);
    const smsText = readFileSync(path.join(smsDir, sms!), 'utf8');
    expect(smsText).toContain('To: +14155552671');
    expect(smsText).toContain('Northwind Plumbing: invoice 2026-INV-1 for $125.00 is due Dec 1, 2026.');
    expect(smsText).not.toMatch(/Pay here|https?:/);
    expect(readJournal(w).map((l) => l.step)).not.toContain('link');

    const again = await send(w, ['INV-1', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/email .*already sent/);
    expect(again.stdout).toMatch(/sms .*already sent/);
    expect(again.stdout).toContain('Nothing to do: already sent. Use --resend to send again.');
    expect(readdirSync(mailDir)).toHaveLength(1);
    expect(readdirSync(smsDir)).toHaveLength(1);
    expect(peers.stripe.requests).toHaveLength(0);
  });
});

describe('a connected account', () => {
  it('the link is created on the connected account (Stripe-Account header)', async () => {
    const w = workspace(stripeWith(STRIPE_KEYS.good, { account: STRIPE_ACCOUNTS.complete }));
    const r = await send(w, ['INV-1', '--yes', '--json']);
    expect(r.code).toBe(0);
    expect(linkPosts()).toHaveLength(1);
    expect(linkPosts()[0]!.headers['stripe-account']).toBe(STRIPE_ACCOUNTS.complete);
    expect(peers.stripe.paymentLinks(STRIPE_ACCOUNTS.complete).map((l) => l.url)).toEqual([json(r).paymentLink.url]);

    // status asks the connected account whether its link was paid.
    peers.stripe.payLink(json(r).paymentLink.id);
    const st = await status(w, ['--json']);
    expect(st.code).toBe(0);
    expect(json(st).paid).toBe(true);
    const sessions = peers.stripe.requests.filter((q) => q.path === '/v1/checkout/sessions');
    expect(sessions.length).toBeGreaterThan(0);
    for (const q of sessions) expect(q.headers['stripe-account']).toBe(STRIPE_ACCOUNTS.complete);
  });

  it('card payments inactive: the gate refuses (STRIPE_CARD_PAYMENTS_INACTIVE)', async () => {
    const w = workspace(stripeWith(STRIPE_KEYS.good, { account: STRIPE_ACCOUNTS.cardInactive }));
    const out = expectRefusedJson(await send(w, ['INV-1', '--yes', '--json']), 'stripe.onboarding', 'STRIPE_CARD_PAYMENTS_INACTIVE');
    expect(out.gate.channels).toEqual({ email: 'not_ready', sms: 'not_ready' });
    expectNothingSent(w);
  });

  it('Stripe refuses the link (card payments turned off after the gate): exit 1, nothing sent, the reason shown; once fixed, a re-run sends with a new idempotency key', async () => {
    const acct = STRIPE_ACCOUNTS.cardInactive;
    const accounts = peers.stripe.world.accounts;
    const withCards = (state: 'active' | 'inactive') => ({ ...accounts[acct]!, capabilities: { ...accounts[acct]!.capabilities, card_payments: state } });
    accounts[acct] = withCards('active');
    // The gate reads the account (active); right after it, card payments go inactive: Stripe refuses the link.
    // (A new object: the answer being written still holds the one the gate read.)
    peers.stripe.intercept = (req) => {
      if (req.method === 'GET' && req.path === `/v1/accounts/${acct}`) accounts[acct] = withCards('inactive');
    };
    const w = workspace(stripeWith(STRIPE_KEYS.good, { account: acct }));
    const r = await send(w, ['INV-1', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Payment link  could not be created:');
    expect(r.stdout).toContain('card_payments');
    expect(r.stdout).toMatch(/✗ email not sent to dana@northwind-traders\.com/);
    expect(r.stdout).toMatch(/✗ sms\s+not sent to \+14155552671/);
    expect(r.stdout).toContain('not sent: the payment link could not be created');
    expect(linkPosts()).toHaveLength(1);
    expect(peers.stripe.paymentLinks()).toHaveLength(0);
    expect(peers.twilio.writes()).toHaveLength(0);
    expect(allSmtpMessages(peers)).toHaveLength(0);
    expect(readJournal(w).map((l) => `${l.step}.${l.phase}.${l.outcome ?? ''}`)).toEqual(['link.intent.', 'link.result.failed']);

    // Fixed: the re-run must not get the saved refusal replayed under the old key.
    peers.stripe.intercept = undefined;
    accounts[acct] = withCards('active');
    const fixed = await send(w, ['INV-1', '--yes', '--json']);
    expect(fixed.code).toBe(0);
    expect(json(fixed).results.map((x: any) => [x.channel, x.status])).toEqual([['email', 'sent'], ['sms', 'sent']]);
    expect(linkPosts()).toHaveLength(2);
    const [first, second] = linkPosts().map((p) => p.headers['idempotency-key']);
    expect(second).not.toBe(first);
    expect(peers.stripe.paymentLinks(acct)).toHaveLength(1);
    expect(allSmtpMessages(peers)).toHaveLength(1);
    expect(smsPosts()).toHaveLength(1);
  });
});

describe('SMS from a number; Twilio refusing at send time', () => {
  // A verified toll-free number: the gate's sms.a2p refuses a US long code configured as `from` without a
  // messaging service (A2P_NOT_REGISTERED), even one that sits in a service with a verified campaign.
  it('from a number without a messaging service: From is sent, no MessagingServiceSid', async () => {
    const w = workspace(twilioWith({ account_sid: TWILIO_SIDS.active, from: TWILIO_NUMBERS.tollFreeApproved }));
    const r = await send(w, ['INV-1', '--channel', 'sms', '--yes', '--json']);
    expect(r.code, r.stdout).toBe(0);
    const form = new URLSearchParams(smsPosts()[0]!.body);
    expect(form.get('From')).toBe(TWILIO_NUMBERS.tollFreeApproved);
    expect(form.get('MessagingServiceSid')).toBeNull();
    expect(json(r).results[0]).toMatchObject({ channel: 'sms', status: 'sent', smsStatus: 'queued' });
    expect(readJournal(w).find((l) => l.step === 'sms' && l.phase === 'intent')).toMatchObject({ from: TWILIO_NUMBERS.tollFreeApproved, transport: 'twilio' });
  });

  it('the gate passes but Twilio refuses the recipient (21610, STOP): exit 1, the email still goes, status and check name SMS_RECIPIENT_OPTED_OUT', { timeout: 60_000 }, async () => {
    const w = workspace();
    const r = await send(w, ['INV-1', '--to-phone', '+15005550004', '--yes', '--json']);
    expect(r.code).toBe(1);
    const out = json(r);
    expect(out.outcome).toBe('failed');
    expect(out.gate.ready).toBe(true);
    const sms = out.results.find((x: any) => x.channel === 'sms');
    expect(sms).toMatchObject({ status: 'failed', to: '+15005550004', sid: null });
    expect(sms.error.code).toBe(21610);
    expect(out.results.find((x: any) => x.channel === 'email').status).toBe('sent');
    expect(peers.twilio.world.accounts[TWILIO_SIDS.active]!.messages).toHaveLength(0);

    const st = await status(w, ['--json']);
    expect(st.code).toBe(1);
    expect(json(st).channels.sms).toMatchObject({ state: 'failed', code: 'SMS_RECIPIENT_OPTED_OUT', twilioError: { code: 21610 } });

    // The same refusal in words: an SMS retried (a failed try is retried without --resend) to the same number.
    const human = await send(w, ['INV-1', '--channel', 'sms', '--to-phone', '+15005550004', '--yes']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/✗ sms\s+not sent to \+15005550004/);
    expect(human.stdout).toContain('code 21610');
    expect(human.stdout).toContain('[SMS_RECIPIENT_OPTED_OUT] the customer replied STOP: `invoice-doctor status INV-1` says what to do.');

    const check = await runCli(['check', 'INV-1', '--json', '--config', w.config], { env: w.env });
    expect(check.code).toBe(1);
    const last = json(check).results[0].checks.find((c: any) => c.id === 'delivery.last-attempt');
    expect(last).toMatchObject({ status: 'fail', code: 'SMS_RECIPIENT_OPTED_OUT' });
    expect(json(check).results[0].channels).toEqual({ email: 'ready', sms: 'not_ready' });

    // A failed SMS is retried without --resend (the email, sent, is not).
    const retry = await send(w, ['INV-1', '--yes', '--json']);
    expect(retry.code).toBe(0);
    expect(json(retry).results.map((x: any) => [x.channel, x.status, x.to])).toEqual([
      ['email', 'already_sent', 'dana@northwind-traders.com'],
      ['sms', 'sent', '+14155552671'],
    ]);
    expect(allSmtpMessages(peers)).toHaveLength(1);
    expect(linkPosts()).toHaveLength(1);
    expect(smsPosts()).toHaveLength(3);
  });
});

describe('an invoice already paid through its link', () => {
  it('sending another channel, or --resend, is refused (exit 1) and nothing goes out; all sent already: exit 0', async () => {
    const w = workspace();
    const first = await send(w, ['INV-1', '--channel', 'email', '--yes', '--json']);
    expect(first.code).toBe(0);
    const link = json(first).paymentLink;
    const paidAt = new Date(peers.stripe.payLink(link.id).created * 1000).toISOString();

    const sms = await send(w, ['INV-1', '--channel', 'sms', '--yes']);
    expect(sms.code).toBe(1);
    expect(sms.stdout).toContain(`Already paid: the payment link ${link.url} was paid on ${paidAt}.`);
    expect(sms.stdout).toContain('Nothing was sent: the invoice is settled and can be marked Paid.');

    const resend = await send(w, ['INV-1', '--resend', '--yes', '--json']);
    expect(resend.code).toBe(1);
    expect(json(resend)).toMatchObject({ outcome: 'refused', exitCode: 1, gate: null, results: [], alreadyPaid: { url: link.url, paidAt } });

    expect(smsPosts()).toHaveLength(0);
    expect(allSmtpMessages(peers)).toHaveLength(1);
    expect(linkPosts()).toHaveLength(1);
    expect(readJournal(w).map((l) => l.step)).not.toContain('sms');

    const again = await send(w, ['INV-1', '--channel', 'email', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to do: already sent.');
  });
});

describe('a torn last line in a JSONL journal (imported)', () => {
  it('send still works and reports the unreadable line; the records it appends stay readable; exit codes unchanged', async () => {
    const w = workspace();
    expect((await send(w, ['INV-1', '--channel', 'email', '--yes'])).code).toBe(0);
    toLegacyJournal(w, '{"v":1,"at":"2026-11-21T09:00:00.000Z","invoice":"INV-1","step":"sms","pha');

    const again = await send(w, ['INV-1', '--channel', 'email', '--yes', '--json']);
    expect(again.code).toBe(0);
    expect(json(again).outcome).toBe('already_sent');
    expect(json(again).journal.problems).toHaveLength(1);

    const sms = await send(w, ['INV-1', '--channel', 'sms', '--yes']);
    expect(sms.code).toBe(0);
    expect(sms.stdout).toMatch(/✓ sms\s+sent to \+14155552671/);
    expect(sms.stdout).toContain('an unreadable journal line was skipped');
    expect(smsPosts()).toHaveLength(1);

    const st = await status(w, ['--json']);
    expect(st.code).toBe(0);
    const s = json(st);
    expect(s.channels.email.state).toBe('accepted');
    expect(s.channels.sms.state).toBe('accepted');
    expect(s.journal.problems).toHaveLength(1);
    expect(s.journal.problems[0].text).toContain('"pha');

    // Nothing is sent twice after the tear.
    const third = await send(w, ['INV-1', '--yes']);
    expect(third.code).toBe(0);
    expect(smsPosts()).toHaveLength(1);
    expect(allSmtpMessages(peers)).toHaveLength(1);
  });
});

describe('secrets', () => {
  it('no SMTP password, Twilio token or Stripe key in stdout, stderr or the outbox, also with --verbose', { timeout: 60_000 }, async () => {
    const w = workspace();
    const runs = [
      await send(w, ['INV-1', '--dry-run', '--verbose']),
      await send(w, ['INV-1', '--yes', '--verbose']),
      await send(w, ['INV-1', '--yes', '--verbose', '--json']),
      await status(w, ['--verbose']),
      await status(w, ['--json', '--verbose']),
      await runCli(['check', 'INV-1', '--verbose', '--config', w.config], { env: w.env }),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(runs[1]!.stderr).toContain('[debug]');
    const text = runs.map((r) => r.stdout + r.stderr).join('\n') + journalBytes(w) + JSON.stringify(readJournal(w));
    for (const secret of [SMTP_PASS, TWILIO_TOKEN, STRIPE_KEYS.good]) expect(text).not.toContain(secret);

    // A refused key, with the failure printed: still not the key.
    const revoked = workspace(stripeWith(STRIPE_KEYS.revoked));
    const r = await send(revoked, ['INV-1', '--yes', '--verbose']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(STRIPE_KEYS.revoked);
  });
});
