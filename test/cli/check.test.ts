import { mkdtemp, readFile, writeFile, mkdir, cp, rm } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ANSI, DEMO, DEMO_ENV, ROOT, runCli, runCliProcess } from '../support/cli.js';

// The JSON contract (ARCHITECTURE.md, "JSON output"), as a schema the real output must satisfy exactly.
const status = z.enum(['pass', 'warn', 'fail', 'skip', 'error']);
const channelState = z.enum(['ready', 'not_ready', 'unknown']);
const JsonReport = z.strictObject({
  schemaVersion: z.literal(1),
  ready: z.boolean(),
  summary: z.strictObject({ invoices: z.number(), ready: z.number(), pass: z.number(), warn: z.number(), fail: z.number(), skip: z.number(), error: z.number() }),
  results: z.array(z.strictObject({
    invoice: z.strictObject({ id: z.string(), number: z.string(), account: z.string(), status: z.string() }),
    ready: z.boolean(),
    channels: z.partialRecord(z.enum(['email', 'sms']), channelState),
    checks: z.array(z.strictObject({
      id: z.string(), title: z.string(), category: z.string(), status, code: z.string().nullable(), message: z.string(),
      remediation: z.array(z.string()), docs: z.string().nullable(), blockedBy: z.array(z.string()), durationMs: z.number().int().nonnegative(),
      data: z.record(z.string(), z.unknown()),
    })),
  })),
});
const JsonError = z.strictObject({
  schemaVersion: z.literal(1),
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() }).passthrough()) }).passthrough(),
});

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'invoice-doctor-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A throwaway workspace: the demo's data with a config of the test's own. */
async function workspace(name: string, config: string, files: Record<string, string> = {}): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(path.join(dir, 'invoices'), { recursive: true });
  await cp(path.join(ROOT, 'fixtures/demo/customers.yaml'), path.join(dir, 'customers.yaml'));
  await cp(path.join(ROOT, 'fixtures/demo/invoices/INV-1001.yaml'), path.join(dir, 'invoices/INV-1001.yaml'));
  await writeFile(path.join(dir, 'invoice-doctor.yaml'), config);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return path.join(dir, 'invoice-doctor.yaml');
}

const BASE_CONFIG = `version: 1
data: { invoices: ./invoices, customers: ./customers.yaml }
plugins: [PLUGINS]
accounts:
  acme:
    name: Acme Plumbing
    country: US
    channels: [email]
    payments: { provider: stripe, stripe: { secret_key: "\${STRIPE_SECRET_KEY}" } }
    email: { from: "Acme <billing@acmeplumbing.com>", transport: file, file: { dir: ./outbox } }
`;

describe('check on the demo workspace', () => {
  it('INV-1002 (quick start): a draft, with passes, a failure with remediation and a skip; exit 1', async () => {
    const r = await runCli(['check', '--offline', 'INV-1002', '--config', DEMO]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('INV-1002 · no. 2026-0042 · Acme Plumbing (acme) · draft · $337.75 due');
    expect(r.stdout).toMatch(/✗ fail\s+Invoice is validated\s+\[INVOICE_DRAFT\]/);
    expect(r.stdout).toContain('Fix:');
    expect(r.stdout).toContain('1. Open the invoice and review the lines');
    expect(r.stdout).toMatch(/✓ pass\s+Recipient email address — dana\.whitfield@northwindtraders\.com/);
    expect(r.stdout).toMatch(/– skip\s+Purchase order number/);
    expect(r.stdout).toContain('NOT READY  email: not ready · sms: not ready');
    // Not a terminal: no colour, no spinner, nothing on stderr.
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stderr).toBe('');
  });

  it('INV-1001 is ready on both channels; exit 0', async () => {
    const r = await runCli(['check', '--offline', 'INV-1001', '--config', DEMO], { env: DEMO_ENV });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('READY  email: ready · sms: ready');
  });

  it('--json follows the contract exactly, for every demo invoice', async () => {
    const r = await runCli(['check', '--offline', '--all', '--json', '--config', DEMO], { env: DEMO_ENV });
    expect(r.code).toBe(1);
    const report = JsonReport.parse(JSON.parse(r.stdout));
    expect(report.summary.invoices).toBe(report.results.length);
    expect(report.results.length).toBeGreaterThanOrEqual(12);
    const byId = new Map(report.results.map((x) => [x.invoice.id, x]));
    expect(byId.get('INV-1001')).toMatchObject({ ready: true, channels: { email: 'ready', sms: 'ready' } });
    const draft = byId.get('INV-1002')!.checks.find((c) => c.id === 'invoice.status')!;
    expect(draft).toMatchObject({ status: 'fail', code: 'INVOICE_DRAFT' });
    expect(draft.remediation.length).toBeGreaterThan(1);
    // Every invoice, recipient and message code is demonstrated somewhere in the demo.
    const codes = new Set(report.results.flatMap((x) => x.checks.map((c) => c.code)));
    for (const code of ['INVOICE_DRAFT', 'INVOICE_VOID', 'INVOICE_PAID', 'BALANCE_ZERO', 'TOTALS_INCONSISTENT', 'CURRENCY_UNKNOWN', 'BELOW_MINIMUM_CHARGE',
      'EMAIL_MISSING', 'EMAIL_INVALID', 'PHONE_MISSING', 'PHONE_INVALID', 'PHONE_NOT_MOBILE', 'EMAIL_TEMPLATE_MISSING', 'PLACEHOLDER_UNRESOLVED',
      'SUBJECT_INVALID', 'PAYMENT_LINK_MISSING', 'SENDER_MISSING', 'SENDER_INVALID', 'SMS_TOO_LONG', 'SMS_MULTI_SEGMENT', 'SMS_UNICODE', 'SMS_URL_SHORTENER', 'PO_NUMBER_MISSING']) {
      expect(codes, code).toContain(code);
    }
  });

  it('filters: --account, --status, --channel, --only and --skip', async () => {
    const byAccount = JsonReport.parse(JSON.parse((await runCli(['check', '--offline', '--all', '--account', 'brightside', '--json', '--config', DEMO], { env: DEMO_ENV })).stdout));
    expect(byAccount.results.map((x) => x.invoice.id)).toEqual(['INV-3001', 'INV-3002']);
    const drafts = JsonReport.parse(JSON.parse((await runCli(['check', '--offline', '--all', '--status', 'draft', '--json', '--config', DEMO], { env: DEMO_ENV })).stdout));
    expect(drafts.results.map((x) => x.invoice.id)).toEqual(['INV-1002']);
    const emailOnly = await runCli(['check', '--offline', 'INV-1007', '--channel', 'email', '--json', '--config', DEMO], { env: DEMO_ENV });
    expect(emailOnly.code).toBe(0); // the landline only matters for SMS
    expect(JSON.parse(emailOnly.stdout).results[0].channels).toEqual({ email: 'ready' });
    const only = JsonReport.parse(JSON.parse((await runCli(['check', '--offline', 'INV-1001', '--only', 'recipient', '--json', '--config', DEMO], { env: DEMO_ENV })).stdout));
    expect(only.results[0]!.checks.map((c) => c.id)).toEqual(['recipient.email', 'recipient.phone']);
    const skip = await runCli(['check', '--offline', 'INV-1002', '--skip', 'invoice.status', '--json', '--config', DEMO], { env: DEMO_ENV });
    expect(skip.code).toBe(0);
    expect(JSON.parse(skip.stdout).results[0].checks.map((c: { id: string }) => c.id)).not.toContain('invoice.status');
  });

  it('--strict turns a warning into exit 1', async () => {
    // INV-4001's SMS is two segments (a warning); its email fails, so check SMS alone.
    const relaxed = await runCli(['check', '--offline', 'INV-4001', '--channel', 'sms', '--config', DEMO]);
    expect(relaxed.code).toBe(0);
    expect(relaxed.stdout).toContain('[SMS_MULTI_SEGMENT]');
    const strict = await runCli(['check', '--offline', 'INV-4001', '--channel', 'sms', '--strict', '--config', DEMO]);
    expect(strict.code).toBe(1);
  });

  it('--output writes the report to a file, uncoloured, and prints nothing on stdout', async () => {
    const out = path.join(tmp, 'reports/inv-1002.json');
    const r = await runCli(['check', '--offline', 'INV-1002', '--json', '--output', out, '--config', DEMO], { env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    JsonReport.parse(JSON.parse(await readFile(out, 'utf8')));
    const human = path.join(tmp, 'reports/inv-1002.txt');
    await runCli(['check', '--offline', 'INV-1002', '--output', human, '--config', DEMO], { env: { FORCE_COLOR: '1' } });
    expect(await readFile(human, 'utf8')).not.toMatch(ANSI);
  });

  it('colour: FORCE_COLOR colours, --no-color and NO_COLOR do not', async () => {
    expect((await runCli(['check', '--offline', 'INV-1001', '--config', DEMO], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(ANSI);
    expect((await runCli(['check', '--offline', 'INV-1001', '--no-color', '--config', DEMO], { env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(ANSI);
    expect((await runCli(['check', '--offline', 'INV-1001', '--config', DEMO], { env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
  });

  it('finds its configuration through INVOICE_DOCTOR_CONFIG and ./invoice-doctor.yaml', async () => {
    expect((await runCli(['check', '--offline', 'INV-1001'], { env: { ...DEMO_ENV, INVOICE_DOCTOR_CONFIG: DEMO } })).code).toBe(0);
    expect((await runCli(['check', '--offline', 'INV-1001'], { cwd: path.dirname(DEMO), env: DEMO_ENV })).code).toBe(0);
  });

  it('check writes nothing: no journal, no outbox, no file in the workspace', async () => {
    const config = await workspace('readonly', BASE_CONFIG.replace('PLUGINS', ''));
    const before = readdirSync(path.dirname(config)).sort();
    await runCli(['check', '--offline', '--all', '--config', config]);
    expect(readdirSync(path.dirname(config)).sort()).toEqual(before);
    expect(existsSync(path.join(path.dirname(config), '.invoice-doctor'))).toBe(false);
  });
});

describe('exit codes 2 and 3', () => {
  it('an unknown invoice id: exit 2 with the closest ids', async () => {
    const r = await runCli(['check', '--offline', 'INV-10002', '--config', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No invoice with id "INV-10002"');
    expect(r.stderr).toMatch(/Did you mean "INV-1002"/);
    expect(r.stdout).toBe('');
    const json = await runCli(['check', '--offline', 'INV-10002', '--json', '--config', DEMO]);
    expect(json.code).toBe(2);
    expect(JsonError.parse(JSON.parse(json.stdout)).error.code).toBe('INVOICE_NOT_FOUND');
  });

  it('a malformed config: exit 2 naming file:line:column, the field and the value, never a stack trace', async () => {
    const config = await workspace('badconfig', BASE_CONFIG.replace('PLUGINS', '').replace('transport: file', 'transport: smpt'));
    const r = await runCli(['check', '--offline', 'INV-1001', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invoice-doctor\.yaml:10:\d+: accounts\.acme\.email\.transport is "smpt"; expected one of "smtp", "oauth2", "file"\. Did you mean "smtp"\?/);
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const json = JsonError.parse(JSON.parse((await runCli(['check', '--offline', 'INV-1001', '--json', '--config', config])).stdout));
    expect(json.error).toMatchObject({ code: 'CONFIG_INVALID', issues: [{ path: 'accounts.acme.email.transport', line: 10 }] });
  });

  it('broken invoice data: exit 2 naming file, line and field', async () => {
    const config = await workspace('baddata', BASE_CONFIG.replace('PLUGINS', ''), {
      'invoices/INV-9.yaml': 'id: INV-9\nstatus: validated\ncustomer: C-100\ncurrency: USD\nlines:\n  - { description: Valve, quantity: -1, unit_amount: 12.5 }\n',
    });
    const r = await runCli(['check', '--offline', 'INV-9', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/INV-9\.yaml:6:\d+: lines\[0\]\.quantity is -1/);
    expect(r.stderr).toMatch(/INV-9\.yaml:6:\d+\s+lines\[0\]\.unit_amount\s+is 12\.5; .*12500/);
    // Another invoice's broken data does not stop a check of a healthy one.
    expect((await runCli(['check', '--offline', 'INV-1001', '--config', config], { env: DEMO_ENV })).code).toBe(0);
  });

  it('a usage error (unknown option, missing ids, bad --timeout): exit 2', async () => {
    expect((await runCli(['check', '--offline', 'INV-1001', '--bogus', '--config', DEMO])).code).toBe(2);
    const none = await runCli(['check', '--offline', '--config', DEMO]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Name the invoices to check');
    expect((await runCli(['check', '--offline', 'INV-1001', '--timeout', 'soon', '--config', DEMO])).code).toBe(2);
    const json = await runCli(['check', '--offline', 'INV-1001', '--bogus', '--json', '--config', DEMO]);
    expect(JsonError.parse(JSON.parse(json.stdout)).error.code).toBe('USAGE');
  });

  it('a check that could not be determined (timeout, crash): exit 3, never pass', async () => {
    const plugin = `export default [
      { id: 'custom.slow', title: 'Slow', description: 'Never answers.', category: 'custom', channels: ['email'], scope: 'invoice', codes: {}, run: () => new Promise(() => {}) },
      { id: 'custom.crash', title: 'Crash', description: 'Throws.', category: 'custom', channels: ['email'], scope: 'invoice', codes: {}, run: () => { throw new Error('database is locked'); } },
    ];\n`;
    const config = await workspace('errors', BASE_CONFIG.replace('PLUGINS', './plugin.mjs'), { 'plugin.mjs': plugin });
    const r = await runCli(['check', '--offline', 'INV-1001', '--timeout', '2000', '--json', '--config', config], { env: DEMO_ENV });
    expect(r.code).toBe(3);
    const checks = JsonReport.parse(JSON.parse(r.stdout)).results[0]!.checks;
    expect(checks.find((c) => c.id === 'custom.slow')).toMatchObject({ status: 'error', code: 'CHECK_TIMEOUT' });
    expect(checks.find((c) => c.id === 'custom.crash')).toMatchObject({ status: 'error', code: 'CHECK_CRASHED' });
    expect(JSON.parse(r.stdout).results[0].channels.email).toBe('unknown');
    const human = await runCli(['check', '--offline', 'INV-1001', '--timeout', '2000', '--config', config]);
    expect(human.stdout).toMatch(/\? error\s+Crash/);
    expect(human.stdout).not.toContain('at run (');
    const verbose = await runCli(['check', '--offline', 'INV-1001', '--timeout', '2000', '--verbose', '--config', config]);
    expect(verbose.stdout).toMatch(/Error: database is locked\n\s+at /);
  });
});

describe('plugins', () => {
  it('the demo plugin runs like a built-in check', async () => {
    const r = JsonReport.parse(JSON.parse((await runCli(['check', '--offline', 'INV-1015', '--json', '--config', DEMO])).stdout));
    const po = r.results[0]!.checks.find((c) => c.id === 'custom.po-number')!;
    expect(po).toMatchObject({ status: 'fail', code: 'PO_NUMBER_MISSING', category: 'custom' });
    expect(po.remediation[0]).toContain('Ask the customer contact for the PO number');
  });

  it('a plugin that fails to load or has a bad shape: exit 2 naming the file', async () => {
    const missing = await runCli(['check', '--offline', 'INV-1001', '--config', await workspace('noplugin', BASE_CONFIG.replace('PLUGINS', './nope.mjs'))]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/The plugin .*nope\.mjs .* could not be loaded/);
    const bad = await runCli(['check', '--offline', 'INV-1001', '--config', await workspace('badplugin', BASE_CONFIG.replace('PLUGINS', './bad.mjs'), { 'bad.mjs': "export default { id: 'NoDots', run: 3 };\n" })]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.mjs exports a check that is not valid: id must be dotted/);
    const syntax = await runCli(['check', '--offline', 'INV-1001', '--config', await workspace('syntaxplugin', BASE_CONFIG.replace('PLUGINS', './syntax.mjs'), { 'syntax.mjs': 'export default {\n' })]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toContain('syntax.mjs');
  });
});

describe('secrets', () => {
  const SECRET = 'sk_test_51NotARealKeyButLongEnough0123456789';
  // Spaces (wrapped across lines), quotes and a backslash (escaped in JSON): the redactor must still see it.
  const OPAQUE = 'correct horse "battery" staple \\ 42 tr0ub4dor';

  it('a secret from the environment never appears in any output, even when a check echoes it', async () => {
    // A careless plugin puts the key in its message and data; the tool must still not print it.
    const plugin = `export default { id: 'custom.leaky', title: 'Leaky', description: 'Echoes secrets.', category: 'custom', channels: ['email'], scope: 'invoice',
      codes: { LEAK: { severity: 'fail', summary: 'leak' } },
      run: (ctx) => ctx.fail('LEAK', { message: 'key=' + ctx.account.payments.stripe.secret_key + ' pass=' + process.env.SMTP_PASS, data: { key: ctx.account.payments.stripe.secret_key } }) };\n`;
    const config = await workspace('secrets', BASE_CONFIG.replace('PLUGINS', './leaky.mjs').replace('transport: file, file: { dir: ./outbox }', 'transport: smtp, smtp: { host: mail.acmeplumbing.com, pass: "${SMTP_PASS}" }'), { 'leaky.mjs': plugin });
    const env = { STRIPE_SECRET_KEY: SECRET, SMTP_PASS: OPAQUE };
    const out = path.join(tmp, 'secrets-report.json');
    const runs = [
      await runCli(['check', '--offline', 'INV-1001', '--config', config], { env }),
      await runCli(['check', '--offline', 'INV-1001', '--json', '--verbose', '--config', config], { env }),
      await runCli(['check', '--offline', 'INV-1001', '--output', out, '--config', config], { env }),
      await runCli(['check', '--offline', 'INV-404', '--verbose', '--config', config], { env }),
      await runCli(['explain', 'LEAK', '--config', config], { env }),
    ];
    const file = await readFile(out, 'utf8');
    for (const text of [...runs.flatMap((r) => [r.stdout, r.stderr]), file]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(OPAQUE);
      expect(text).not.toContain(JSON.stringify(OPAQUE).slice(1, -1));
      expect(text).not.toMatch(/battery/);
      expect(text).not.toContain('NotARealKey');
    }
    expect(runs[1]!.stdout).toContain('[redacted]');
  });

  it('an unset ${VAR} is not a config error, but the check that needs it fails, offline too', async () => {
    const r = await runCli(['check', '--offline', 'INV-1001', '--config', DEMO], { env: { STRIPE_SECRET_KEY: undefined } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ fail\s+Stripe credentials\s+\[STRIPE_NOT_CONFIGURED\]/);
    expect(r.stdout).toContain('${STRIPE_SECRET_KEY}');
    expect(r.stdout).toContain('NOT READY');
  });
});

describe('robustness', () => {
  it('a requested invoice in a file that does not parse is a located data error, not "not found"', async () => {
    const config = await workspace('brokenjson', BASE_CONFIG.replace('PLUGINS', ''), { 'invoices/INV-77.json': '{"id": "INV-77", "lines": [}' });
    const r = await runCli(['check', '--offline', 'INV-77', '--json', '--config', config]);
    expect(r.code).toBe(2);
    const error = JsonError.parse(JSON.parse(r.stdout)).error;
    expect(error.code).toBe('DATA_INVALID');
    expect(error.message).toMatch(/INV-77\.json:1:\d+/);
  });

  it('filters that leave nothing to check, or a selection with no check left: exit 2', async () => {
    const none = await runCli(['check', '--offline', 'INV-1001', '--status', 'draft', '--config', DEMO]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No invoice matches --status draft');
    const empty = await runCli(['check', '--offline', 'INV-1001', '--skip', 'custom,message,recipient,invoice,payments,email,sms,delivery', '--config', DEMO]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('No check is left to run');
  });

  it('--timeout beyond what a timer can wait is a usage error', async () => {
    const r = await runCli(['check', '--offline', 'INV-1001', '--timeout', '3000000000', '--config', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('from 1 to 2147483647');
  });

  it('a check that ignores its abort signal does not keep the process alive after the report', async () => {
    const plugin = "export default { id: 'custom.hang', title: 'Hang', description: 'Ignores the signal.', category: 'custom', channels: ['email'], scope: 'invoice', codes: {}, run: (ctx) => new Promise((r) => setTimeout(() => r(ctx.pass('late')), 60000)) };\n";
    const config = await workspace('hang', BASE_CONFIG.replace('PLUGINS', './hang.mjs'), { 'hang.mjs': plugin });
    // The plugin would hold the process for 60 s: past the test's own timeout, so a hang fails the test. A
    // process of its own: what is tested is that it exits.
    const r = await runCliProcess(['check', '--offline', 'INV-1001', '--only', 'custom.hang', '--timeout', '2000', '--config', config]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/\? error\s+Hang/);
  });

  it('data a check returns that JSON cannot hold becomes that check\'s error, not a broken report', async () => {
    const plugin = "export default { id: 'custom.big', title: 'Big', description: 'BigInt data.', category: 'custom', channels: ['email'], scope: 'invoice', codes: {}, run: (ctx) => ctx.pass('ok', { n: 10n }) };\n";
    const config = await workspace('bigint', BASE_CONFIG.replace('PLUGINS', './big.mjs'), { 'big.mjs': plugin });
    const r = await runCli(['check', '--offline', 'INV-1001', '--json', '--config', config], { env: DEMO_ENV });
    expect(r.code).toBe(3);
    const big = JsonReport.parse(JSON.parse(r.stdout)).results[0]!.checks.find((c) => c.id === 'custom.big');
    expect(big).toMatchObject({ status: 'error', code: 'CHECK_CRASHED' });
  });

  it('a reader that closes the pipe early gets no stack trace', async () => {
    const { execFile } = await import('node:child_process');
    const stderr = await new Promise<string>((resolve) => {
      execFile('sh', ['-c', `"${process.execPath}" bin/invoice-doctor.js check --all --json --config "${DEMO}" | (sleep 0.3; head -c 1 >/dev/null)`], { cwd: ROOT }, (_e, _out, err) => resolve(err));
    });
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a plugin that imports invoice-doctor from outside the package gets a hint, not "does not exist"', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'invoice-doctor-outside-'));
    try {
      await cp(path.join(tmp, 'hang'), dir, { recursive: true });
      await writeFile(path.join(dir, 'hang.mjs'), "import { defineCheck } from 'invoice-doctor';\nexport default defineCheck({});\n");
      const r = await runCli(['check', '--offline', 'INV-1001', '--config', path.join(dir, 'invoice-doctor.yaml')]);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toContain('does not exist');
      expect(r.stderr).toContain('npm install invoice-doctor');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
