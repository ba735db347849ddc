/**
 * The CLI as a process against every peer scenario of fixtures/scenarios: real SDKs, real provider code,
 * local peers on ephemeral ports (Stripe, Twilio, OAuth2 over HTTP; a real SMTP server; a DNS server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { ROOT, runCli } from '../support/cli.js';
import { STRIPE_KEYS } from '../fakes/stripe.js';
import { TWILIO_TOKEN } from '../fakes/twilio.js';
import { SMTP_PASS } from '../fakes/smtp.js';
import { OAUTH_CLIENT_SECRET, OAUTH_REFRESH_GOOD, OAUTH_REFRESH_REVOKED } from '../fakes/oauth2.js';
import { startPeers, SMTP_WRONG_PASS as WRONG_PASS, type Peers } from '../fakes/peers.js';

const CONFIG = path.join(ROOT, 'fixtures/scenarios/invoice-doctor.yaml');

let peers: Peers;
let env: Record<string, string>;
let stripe: Peers['stripe'];
let twilio: Peers['twilio'];
let smtp: Peers['smtp'];

beforeAll(async () => {
  peers = await startPeers();
  ({ env, stripe, twilio, smtp } = peers);
});

afterAll(async () => {
  await peers?.close();
});

const SECRETS = () => [SMTP_PASS, WRONG_PASS, TWILIO_TOKEN, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_GOOD, OAUTH_REFRESH_REVOKED, ...Object.values(STRIPE_KEYS)];

interface JsonCheck { id: string; status: string; code?: string; message: string; data: Record<string, unknown>; blockedBy: string[]; remediation: string[] }
interface JsonResult { invoice: { id: string }; ready: boolean; channels: Record<string, string>; checks: JsonCheck[] }

/** invoice → check id → [status, code] expected; checks not listed are not asserted. */
const EXPECTED: Record<string, Record<string, [string, string?]>> = {
  'SC-stripe-ok': { 'stripe.credentials': ['pass'], 'stripe.onboarding': ['pass'], 'email.transport': ['pass'], 'recipient.email': ['pass'] },
  'SC-stripe-live': { 'stripe.credentials': ['warn', 'STRIPE_MODE_MISMATCH'], 'stripe.onboarding': ['pass'] },
  'SC-stripe-connected': { 'stripe.credentials': ['pass'], 'stripe.onboarding': ['pass'] },
  'SC-stripe-revoked': { 'stripe.credentials': ['fail', 'STRIPE_AUTH_FAILED'], 'stripe.onboarding': ['skip'] },
  'SC-stripe-noaccess': { 'stripe.credentials': ['fail', 'STRIPE_PERMISSION_DENIED'] },
  'SC-stripe-missing-account': { 'stripe.credentials': ['fail', 'STRIPE_ACCOUNT_NOT_FOUND'] },
  'SC-stripe-ratelimited': { 'stripe.credentials': ['error', 'STRIPE_UNAVAILABLE'], 'stripe.onboarding': ['skip'] },
  'SC-stripe-500': { 'stripe.credentials': ['error', 'STRIPE_UNAVAILABLE'] },
  'SC-stripe-slow': { 'stripe.credentials': ['error', 'STRIPE_UNAVAILABLE'] },
  'SC-stripe-reset': { 'stripe.credentials': ['error', 'STRIPE_UNAVAILABLE'] },
  'SC-stripe-not-submitted': { 'stripe.credentials': ['pass'], 'stripe.onboarding': ['fail', 'STRIPE_ONBOARDING_INCOMPLETE'] },
  'SC-stripe-requirements-due': { 'stripe.onboarding': ['fail', 'STRIPE_REQUIREMENTS_DUE'] },
  'SC-stripe-disabled': { 'stripe.onboarding': ['fail', 'STRIPE_ACCOUNT_DISABLED'] },
  'SC-stripe-card-inactive': { 'stripe.onboarding': ['fail', 'STRIPE_CARD_PAYMENTS_INACTIVE'] },
  'SC-stripe-eventually-due': { 'stripe.onboarding': ['warn', 'STRIPE_REQUIREMENTS_EVENTUALLY_DUE'] },
  'SC-smtp-ok': { 'email.transport': ['pass'] },
  'SC-smtp-wrong-password': { 'email.transport': ['fail', 'SMTP_AUTH_FAILED'] },
  'SC-smtp-no-auth': { 'email.transport': ['warn', 'SMTP_AUTH_NOT_TESTED'] },
  'SC-smtp-implicit-tls': { 'email.transport': ['pass'] },
  'SC-smtp-implicit-as-plain': { 'email.transport': ['fail', 'SMTP_TLS_MODE_MISMATCH'] },
  'SC-smtp-starttls-as-implicit': { 'email.transport': ['fail', 'SMTP_TLS_MODE_MISMATCH'] },
  'SC-smtp-no-starttls': { 'email.transport': ['fail', 'SMTP_TLS_MODE_MISMATCH'] },
  'SC-smtp-untrusted': { 'email.transport': ['fail', 'SMTP_TLS_FAILED'] },
  'SC-smtp-greeting-timeout': { 'email.transport': ['error', 'SMTP_TIMEOUT'] },
  'SC-smtp-421': { 'email.transport': ['error', 'SMTP_UNREACHABLE'] },
  'SC-smtp-refused': { 'email.transport': ['error', 'SMTP_UNREACHABLE'] },
  'SC-oauth-ok': { 'email.transport': ['pass'] },
  'SC-oauth-revoked': { 'email.transport': ['fail', 'OAUTH_REAUTH_REQUIRED'] },
  'SC-twilio-ok': { 'sms.account': ['pass'], 'sms.sender': ['pass'], 'sms.a2p': ['pass'] },
  'SC-twilio-trial': { 'sms.account': ['warn', 'TWILIO_TRIAL'] },
  'SC-twilio-suspended': { 'sms.account': ['fail', 'TWILIO_ACCOUNT_SUSPENDED'], 'sms.sender': ['skip'] },
  'SC-twilio-ratelimited': { 'sms.account': ['error', 'TWILIO_UNAVAILABLE'] },
  'SC-twilio-500': { 'sms.account': ['error', 'TWILIO_UNAVAILABLE'] },
  'SC-sender-not-owned': { 'sms.sender': ['fail', 'SENDER_NOT_OWNED'] },
  'SC-sender-no-sms': { 'sms.sender': ['fail', 'SENDER_NOT_SMS_CAPABLE'] },
  'SC-a2p-campaign-pending': { 'sms.a2p': ['fail', 'A2P_CAMPAIGN_NOT_VERIFIED'] },
  'SC-a2p-brand-failed': { 'sms.a2p': ['fail', 'A2P_BRAND_NOT_APPROVED'] },
  'SC-a2p-no-brand': { 'sms.a2p': ['fail', 'A2P_NOT_REGISTERED'] },
  'SC-tollfree-unverified': { 'sms.a2p': ['fail', 'TOLLFREE_NOT_VERIFIED'] },
  'SC-a2p-not-applicable': { 'sms.a2p': ['skip'] },
  'SC-dns-mx': { 'recipient.email': ['pass'] },
  'SC-dns-null-mx': { 'recipient.email': ['fail', 'EMAIL_DOMAIN_NO_MAIL'] },
  'SC-dns-no-mx': { 'recipient.email': ['warn', 'EMAIL_DOMAIN_NO_MX'] },
  'SC-dns-nxdomain': { 'recipient.email': ['fail', 'EMAIL_DOMAIN_NOT_FOUND'] },
  'SC-dns-timeout': { 'recipient.email': ['error', 'DNS_LOOKUP_FAILED'] },
  'SC-all-services': Object.fromEntries(['invoice.status', 'invoice.balance', 'recipient.email', 'recipient.phone', 'message.email', 'message.sms', 'stripe.credentials', 'stripe.onboarding', 'email.transport', 'sms.account', 'sms.sender', 'sms.a2p'].map((id) => [id, ['pass']])),
};

describe('check against the peer scenarios (fixtures/scenarios)', () => {
  it('every scenario gives its code, with the concrete fact in the message, and the fakes see no write', async () => {
    const r = await runCli(['check', '--all', '--json', '--timeout', '4000', '--config', CONFIG], { env });
    expect(r.code).toBe(1);
    const results: JsonResult[] = JSON.parse(r.stdout).results;
    const byId = new Map(results.map((x) => [x.invoice.id, x]));
    for (const [invoice, checks] of Object.entries(EXPECTED)) {
      const result = byId.get(invoice);
      expect(result, invoice).toBeDefined();
      for (const [id, [status, code]] of Object.entries(checks)) {
        const c = result!.checks.find((x) => x.id === id);
        expect({ invoice, id, status: c?.status, code: c?.code ?? undefined }).toEqual({ invoice, id, status, code });
        if (status === 'fail' || status === 'error' || status === 'warn') expect(c!.remediation.length, `${invoice} ${id}`).toBeGreaterThan(0);
      }
    }
    const msg = (invoice: string, id: string) => byId.get(invoice)!.checks.find((c) => c.id === id)!.message;
    expect(msg('SC-stripe-requirements-due', 'stripe.onboarding')).toContain('individual.verification.document');
    expect(msg('SC-stripe-disabled', 'stripe.onboarding')).toContain('rejected.fraud');
    expect(msg('SC-smtp-wrong-password', 'email.transport')).toContain('535');
    expect(msg('SC-smtp-421', 'email.transport')).toContain('421');
    expect(msg('SC-oauth-revoked', 'email.transport')).toContain('invalid_grant');
    expect(msg('SC-a2p-brand-failed', 'sms.a2p')).toMatch(/FAILED/);
    expect(msg('SC-stripe-ratelimited', 'stripe.credentials')).toMatch(/429/);
    // Channel states follow from the results: a service error is "unknown", never ready or not ready.
    expect(byId.get('SC-stripe-500')!.channels).toEqual({ email: 'unknown' });
    expect(byId.get('SC-stripe-ok')!.channels).toEqual({ email: 'ready' });
    expect(byId.get('SC-twilio-ok')!.channels).toEqual({ sms: 'ready' });

    // check is read-only: no POST/DELETE reached any HTTP peer, and no SMTP peer received a message.
    expect(stripe.writes()).toEqual([]);
    expect(twilio.writes()).toEqual([]);
    for (const scenario of ['starttls', 'no-auth', 'implicit-tls', 'xoauth2'] as const) expect(smtp[scenario].messages).toEqual([]);
    for (const secret of SECRETS()) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });

  it('each account fact is fetched once however many invoices and checks read it', async () => {
    stripe.reset();
    twilio.reset();
    const connections = smtp.starttls.connections;
    const run = async (account: string) => (await runCli(['check', '--all', '--account', account, '--json', '--config', CONFIG], { env })).code;
    expect(await run('stripe-ok')).toBe(0);
    expect(await run('smtp-ok')).toBe(0);
    expect(await run('twilio-ok')).toBe(0);
    // Three invoices each: stripe.credentials and stripe.onboarding share one account read.
    expect(stripe.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /v1/account']);
    expect(smtp.starttls.connections - connections).toBe(1);
    const twilioPaths = twilio.requests.map((q) => `${q.method} ${q.host}${q.path}`);
    expect(new Set(twilioPaths).size).toBe(twilioPaths.length);
    expect(twilioPaths.length).toBeGreaterThanOrEqual(4);
  });

  it('exit codes: 0 ready, 1 a failure, 3 only unknowns; --offline asks no peer, but an unset secret still fails', async () => {
    const code = async (id: string, extra: string[] = []) => (await runCli(['check', id, '--config', CONFIG, ...extra], { env })).code;
    const [ok, fail, unknown, offline, noSecrets] = await Promise.all([
      code('SC-smtp-ok'),
      code('SC-stripe-revoked'),
      code('SC-stripe-500'),
      runCli(['check', 'SC-twilio-ok', '--offline', '--json', '--config', CONFIG], { env: { ...env, DNS_SERVER: '127.0.0.1:9' } }),
      runCli(['check', 'SC-twilio-ok', '--offline', '--json', '--config', CONFIG], { env: { DNS_SERVER: '127.0.0.1:9' } }),
    ]);
    expect([ok, fail, unknown]).toEqual([0, 1, 3]);
    expect(offline.code).toBe(0);
    const checks: JsonCheck[] = JSON.parse(offline.stdout).results[0].checks;
    expect(checks.find((c) => c.id === 'sms.account')).toMatchObject({ status: 'skip', data: { reason: 'offline' } });
    // Without the secrets, offline is not READY: the unset variable is known without asking anyone.
    expect(noSecrets.code).toBe(1);
    const unset: JsonCheck[] = JSON.parse(noSecrets.stdout).results[0].checks;
    expect(unset.find((c) => c.id === 'sms.account')).toMatchObject({ status: 'fail', code: 'TWILIO_NOT_CONFIGURED' });
  });

  it('a live key is announced in the human report, and secrets stay out of --verbose logs', async () => {
    const live = await runCli(['check', 'SC-stripe-live', '--verbose', '--config', CONFIG], { env });
    expect(live.stdout).toContain('Stripe live mode');
    const failing = await Promise.all(
      ['SC-smtp-wrong-password', 'SC-oauth-revoked', 'SC-stripe-revoked', 'SC-twilio-suspended'].map((id) => runCli(['check', id, '--verbose', '--json', '--config', CONFIG], { env })),
    );
    for (const r of [live, ...failing]) {
      for (const secret of SECRETS()) {
        expect(r.stdout).not.toContain(secret);
        expect(r.stderr).not.toContain(secret);
      }
    }
  });
});
