/**
 * `--offline` never says READY for an account it can tell is not: an unset credential, a malformed id or
 * a missing sender is known without the network, so the check that needs it fails offline as online.
 * Only what needs an answer from a service is skipped, and the verdict line says how many checks that was.
 */
import { mkdtemp, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

let dir: string;
let config: string;

// Every service points at a closed loopback port: were anything asked, the run would show an error.
const CONFIG = `version: 1
data: { invoices: ./invoices, customers: ./customers.yaml }
accounts:
  acme:
    name: Acme Plumbing
    country: US
    channels: [email, sms]
    payments: { provider: stripe, stripe: { secret_key: "\${T_STRIPE_KEY}", api_base: "http://127.0.0.1:9" } }
    email:
      from: "Acme <billing@acmeplumbing.com>"
      transport: smtp
      smtp: { host: 127.0.0.1, port: 9, user: billing@acmeplumbing.com, pass: "\${T_SMTP_PASS}" }
    sms:
      transport: twilio
      twilio: { account_sid: "\${T_TWILIO_SID}", auth_token: "\${T_TWILIO_TOKEN}", messaging_service_sid: "\${T_TWILIO_SERVICE}", api_base: "http://127.0.0.1:9" }
`;

const ALL_SET = {
  T_STRIPE_KEY: 'sk_test_offline_well_formed',
  T_SMTP_PASS: 'offline-password',
  T_TWILIO_SID: `AC${'a'.repeat(32)}`,
  T_TWILIO_TOKEN: 'offline-token-0000',
  T_TWILIO_SERVICE: `MG${'b'.repeat(32)}`,
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'invoice-doctor-offline-'));
  await mkdir(path.join(dir, 'invoices'));
  await cp(path.join(ROOT, 'fixtures/demo/customers.yaml'), path.join(dir, 'customers.yaml'));
  await cp(path.join(ROOT, 'fixtures/demo/invoices/INV-1001.yaml'), path.join(dir, 'invoices/INV-1001.yaml'));
  config = path.join(dir, 'invoice-doctor.yaml');
  await writeFile(config, CONFIG);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface JsonCheck { id: string; status: string; code?: string; message: string; data: Record<string, unknown> }
const checksOf = (stdout: string): Map<string, JsonCheck> => new Map((JSON.parse(stdout).results[0].checks as JsonCheck[]).map((c) => [c.id, c]));

describe('check --offline', () => {
  it('with every credential unset: each check that needs one fails with its *_NOT_CONFIGURED code, naming the variable', async () => {
    const r = await runCli(['check', 'INV-1001', '--offline', '--json', '--config', config]);
    expect(r.code).toBe(1);
    const checks = checksOf(r.stdout);
    expect(checks.get('stripe.credentials')).toMatchObject({ status: 'fail', code: 'STRIPE_NOT_CONFIGURED' });
    expect(checks.get('stripe.credentials')!.message).toContain('T_STRIPE_KEY');
    expect(checks.get('email.transport')).toMatchObject({ status: 'fail', code: 'EMAIL_NOT_CONFIGURED' });
    expect(checks.get('email.transport')!.message).toContain('T_SMTP_PASS');
    expect(checks.get('sms.account')).toMatchObject({ status: 'fail', code: 'TWILIO_NOT_CONFIGURED' });
    expect(checks.get('sms.account')!.message).toMatch(/T_TWILIO_SID.*T_TWILIO_TOKEN/s);
    expect(JSON.parse(r.stdout).results[0].channels).toEqual({ email: 'not_ready', sms: 'not_ready' });
  });

  it('one credential unset is enough: never READY', async () => {
    for (const unset of ['T_STRIPE_KEY', 'T_SMTP_PASS', 'T_TWILIO_TOKEN']) {
      const r = await runCli(['check', 'INV-1001', '--offline', '--config', config], { env: { ...ALL_SET, [unset]: undefined } });
      expect(r.code, unset).toBe(1);
      expect(r.stdout, unset).toContain('NOT READY');
      expect(r.stdout, unset).toContain(`\${${unset}}`);
    }
  });

  it('a malformed or missing SMS sender is decided offline although sms.account could not ask Twilio', async () => {
    const missing = await runCli(['check', 'INV-1001', '--offline', '--json', '--config', config], { env: { ...ALL_SET, T_TWILIO_SERVICE: undefined } });
    expect(checksOf(missing.stdout).get('sms.sender')).toMatchObject({ status: 'fail', code: 'SENDER_NOT_CONFIGURED' });
    expect(checksOf(missing.stdout).get('sms.sender')!.message).toContain('T_TWILIO_SERVICE');
    const malformed = await runCli(['check', 'INV-1001', '--offline', '--json', '--config', config], { env: { ...ALL_SET, T_TWILIO_SERVICE: 'MG-not-a-sid' } });
    expect(checksOf(malformed.stdout).get('sms.sender')).toMatchObject({ status: 'fail', code: 'SENDER_NOT_CONFIGURED' });
    expect(malformed.code).toBe(1);
  });

  it('with everything configured: READY, and the verdict says how many network checks were not run', async () => {
    const r = await runCli(['check', 'INV-1001', '--offline', '--config', config], { env: ALL_SET });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('READY  email: ready · sms: ready');
    expect(r.stdout).toContain('(offline: 6 network checks not run)');
    const json = checksOf((await runCli(['check', 'INV-1001', '--offline', '--json', '--config', config], { env: ALL_SET })).stdout);
    const offline = [...json.values()].filter((c) => c.data.reason === 'offline').map((c) => c.id);
    expect(offline.sort()).toEqual(['email.transport', 'sms.a2p', 'sms.account', 'sms.sender', 'stripe.credentials', 'stripe.onboarding']);
    for (const id of offline) expect(json.get(id)!.status).toBe('skip');
    // No secret in the report, though every check ran as far as it could.
    for (const secret of [ALL_SET.T_STRIPE_KEY, ALL_SET.T_SMTP_PASS, ALL_SET.T_TWILIO_TOKEN]) expect(r.stdout).not.toContain(secret);
  });
});
