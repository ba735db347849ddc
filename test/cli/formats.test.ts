// The CI formats of `check` (ndjson, junit, markdown), GitHub Actions annotations and --fail-on, through
// the built CLI as a process, on the demo workspace and on a small workspace of the test's own whose
// plugin checks return a warning, a failure or an "could not be determined" on demand. Every run is
// --offline: nothing here touches the network.
import { mkdtemp, readFile, writeFile, mkdir, rm, readdir } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateXML } from 'xmllint-wasm';
import { BIN, DEMO, ROOT, runCli, DEMO_ENV } from '../support/cli.js';

const XSD = path.join(ROOT, 'test/fixtures/junit/junit-10.xsd');
const SECRET = 'sk_test_51FormatsTestQ8vR2mX7pL4kZ9wB3nC6';

let tmp: string;
let odd: string; // the config of the test's own workspace
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'invoice-doctor-formats-'));
  odd = await oddWorkspace(path.join(tmp, 'odd'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------
// A workspace whose plugin checks answer what each invoice's metadata asks for: `ledger: error` is a
// check that could not be determined (its message full of characters XML, Markdown and GitHub's
// workflow commands must escape), `notes: warn | fail` a warning or a failure, `release_file` a check
// that waits until the test creates that file (a slow invoice whose end the test decides, not a clock).
const PLUGIN = `
import { existsSync } from 'node:fs';
const wait = (ms, signal) => new Promise((resolve) => { const t = setTimeout(resolve, ms); signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }); });
export default [
  {
    id: 'custom.ledger', title: 'Ledger reachable: yes, or no', description: 'Asks the ledger.', category: 'custom',
    channels: ['email'], scope: 'invoice',
    codes: { LEDGER_UNREACHABLE: { severity: 'error', summary: 'the ledger did not answer', remediation: { cause: 'The ledger is busy.', steps: ['Wait 5 minutes, then run: invoice-doctor check again.', 'Call +44 7700 900123 (the ledger desk).'] } } },
    async run(ctx) {
      const release = ctx.invoice.metadata.release_file;
      if (release) {
        while (!existsSync(release) && !ctx.signal.aborted) await wait(20, ctx.signal);
        if (!existsSync(release)) return ctx.error('LEDGER_UNREACHABLE', 'Never released.');
      }
      if (ctx.invoice.metadata.ledger === 'error') return ctx.error('LEDGER_UNREACHABLE', 'Ledger at 100% load said: "<busy> & ]]> \\u0001bell"\\r\\nretry, later: yes');
      return ctx.pass('Ledger answered.');
    },
  },
  {
    id: 'custom.notes', title: 'Invoice notes', description: 'Reads the notes.', category: 'custom',
    channels: ['email'], scope: 'invoice',
    codes: {
      NOTES_ODD: { severity: 'warn', summary: 'odd notes' },
      NOTES_BAD: { severity: 'fail', summary: 'bad notes', remediation: { cause: 'The notes are wrong.', steps: ['Fix the notes.', 'Check again.'] } },
    },
    run(ctx) {
      const notes = ctx.invoice.metadata.notes;
      if (notes === 'warn') return ctx.warn('NOTES_ODD', 'The notes mention jo.bloggs@bloggs-builders.com and (020) 7946 0000.');
      if (notes === 'fail') return ctx.fail('NOTES_BAD', 'The notes are bad.');
      return ctx.pass('Notes fine.');
    },
  },
];
`;

function invoice(id: string, metadata: Record<string, string | number>, extra = ''): string {
  return `id: ${id}
status: validated
customer: { name: Jo Bloggs, email: jo.bloggs@bloggs-builders.com, phone: "(020) 7946 0000" }
currency: GBP
lines: [ { description: Roof repair, quantity: 1, unit_amount: 45000 } ]
due_on: 2026-12-01
metadata: ${JSON.stringify(metadata)}
${extra}`;
}

async function oddWorkspace(dir: string): Promise<string> {
  await mkdir(path.join(dir, 'invoices'), { recursive: true });
  await mkdir(path.join(dir, 'checks'), { recursive: true });
  await writeFile(path.join(dir, 'checks/odd.js'), PLUGIN);
  const invoices: Record<string, string> = {
    'OK-1': invoice('OK-1', {}),
    'WARN-1': invoice('WARN-1', { notes: 'warn' }),
    'FAIL-1': invoice('FAIL-1', { notes: 'fail' }),
    'ERR-1': invoice('ERR-1', { ledger: 'error' }),
    'WARNERR-1': invoice('WARNERR-1', { notes: 'warn', ledger: 'error' }),
    'SLOW-1': invoice('SLOW-1', { release_file: path.join(dir, 'release-SLOW-1') }),
    // The number carries the Stripe key: it is in the subject, the suite name, the Markdown title…
    'LEAK-1': invoice('LEAK-1', {}, `number: "2026-${SECRET}"\naccount: paid\n`),
  };
  for (const [id, text] of Object.entries(invoices)) await writeFile(path.join(dir, 'invoices', `${id}.yaml`), text);
  const config = path.join(dir, 'invoice-doctor.yaml');
  await writeFile(config, `version: 1
data: { invoices: ./invoices }
defaults: { account: shop }
plugins: [./checks/odd.js]
accounts:
  shop:
    name: Bloggs Roofing
    country: GB
    channels: [email]
    payments: { provider: none }
    email: { from: "Bloggs Roofing <accounts@bloggsroofing.co.uk>", transport: file, file: { dir: ./outbox } }
  paid:
    name: Bloggs Roofing (card)
    country: GB
    channels: [email]
    payments: { provider: stripe, stripe: { secret_key: "\${STRIPE_SECRET_KEY}" } }
    email: { from: "Bloggs Roofing <accounts@bloggsroofing.co.uk>", transport: file, file: { dir: ./outbox } }
`);
  return config;
}

// ---------------------------------------------------------------------------------------------------
// Helpers

interface JsonReport {
  ready: boolean;
  summary: Record<'invoices' | 'ready' | 'pass' | 'warn' | 'fail' | 'skip' | 'error', number>;
  results: Array<{ invoice: { id: string; number: string }; ready: boolean; channels: Record<string, string>; checks: Array<{ id: string; status: string; code: string | null; message: string; data: Record<string, unknown>; durationMs: number }> }>;
}

async function demoJson(args: string[] = ['--all'], env?: Record<string, string>): Promise<JsonReport> {
  const r = await runCli(['check', ...args, '--offline', '--json', '--config', DEMO], { env });
  return JSON.parse(r.stdout) as JsonReport;
}

/** The same results without the timings, keyed by invoice id (NDJSON lines come in completion order). */
function byInvoice(results: JsonReport['results']): Record<string, unknown> {
  return Object.fromEntries(results.map((r) => [r.invoice.id, { ...r, checks: r.checks.map(({ durationMs: _, ...c }) => c) }]));
}

function ndjsonLines(stdout: string): Array<Record<string, unknown>> {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout.slice(0, -1).split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function validJunit(xml: string): Promise<void> {
  const result = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [await readFile(XSD, 'utf8')] });
  expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
  expect(result.valid).toBe(true);
}

const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
function attributes(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, decode(m[2]!)]));
}

interface Suite { attrs: Record<string, string>; cases: Array<{ attrs: Record<string, string>; body: string }> }
function junitSuites(xml: string): Suite[] {
  return [...xml.matchAll(/<testsuite (.*?)>([\s\S]*?)<\/testsuite>/g)].map((m) => ({
    attrs: attributes(m[1]!),
    cases: [...m[2]!.matchAll(/<testcase ([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((c) => ({ attrs: attributes(c[1]!), body: c[2] ?? '' })),
  }));
}

/** Every email address and phone number written in the demo's customers and invoices. */
async function demoContacts(): Promise<{ emails: string[]; phones: string[] }> {
  const emails = new Set<string>();
  const phones = new Set<string>();
  const collect = (contact: unknown) => {
    if (!contact || typeof contact !== 'object') return;
    const c = contact as { email?: unknown; phone?: unknown };
    if (typeof c.email === 'string' && c.email) emails.add(c.email);
    if (typeof c.phone === 'string' && c.phone) phones.add(c.phone);
  };
  const customers = parseYaml(await readFile(path.join(ROOT, 'fixtures/demo/customers.yaml'), 'utf8')) as unknown[];
  customers.forEach(collect);
  const dir = path.join(ROOT, 'fixtures/demo/invoices');
  for (const file of await readdir(dir)) {
    const parsed = parseYaml(await readFile(path.join(dir, file), 'utf8')) as unknown;
    for (const inv of Array.isArray(parsed) ? parsed : [parsed]) {
      const i = inv as { customer?: unknown; send_to?: unknown };
      collect(i.customer);
      collect(i.send_to);
    }
  }
  return { emails: [...emails], phones: [...phones] };
}

// ---------------------------------------------------------------------------------------------------

describe('--format ndjson', () => {
  it('one result line per invoice, then the summary; the same results and summary as --json', async () => {
    const [r, json] = await Promise.all([runCli(['check', '--all', '--offline', '--format', 'ndjson', '--config', DEMO]), demoJson()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = ndjsonLines(r.stdout);
    expect(lines).toHaveLength(json.results.length + 1);
    const results = lines.slice(0, -1);
    for (const line of results) {
      expect(line.type).toBe('result');
      expect(line.schemaVersion).toBe(1);
      expect(Object.keys(line).sort()).toEqual(['channels', 'checks', 'invoice', 'ready', 'schemaVersion', 'type']);
    }
    const stripped = results.map(({ type: _t, schemaVersion: _v, ...rest }) => rest) as unknown as JsonReport['results'];
    expect(byInvoice(stripped)).toEqual(byInvoice(json.results));
    expect(lines.at(-1)).toEqual({ type: 'summary', schemaVersion: 1, ready: json.ready, summary: json.summary });
  });

  it('streams: an invoice\'s line is written when its checks complete, before slower invoices finish', async () => {
    const env = { ...process.env };
    delete env.GITHUB_ACTIONS;
    // SLOW-1's check waits until this test creates its release file, which the test does only once it has
    // read a line: were lines held back until the end, SLOW-1 would never be released (and time out).
    const release = path.join(path.dirname(odd), 'release-SLOW-1');
    await rm(release, { force: true });
    const child = spawn(process.execPath, [BIN, 'check', 'SLOW-1', 'OK-1', 'FAIL-1', '--offline', '--format', 'ndjson', '--timeout', '15000', '--config', odd], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let linesBeforeRelease = -1;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (linesBeforeRelease < 0 && out.includes('\n')) {
        linesBeforeRelease = out.split('\n').length - 1;
        void writeFile(release, '');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    const lines = ndjsonLines(out);
    expect(lines.map((l) => (l.invoice as { id: string } | undefined)?.id ?? l.type)).toEqual([expect.not.stringMatching(/SLOW-1/), expect.not.stringMatching(/SLOW-1/), 'SLOW-1', 'summary']);
    const slow = lines.find((l) => (l.invoice as { id: string } | undefined)?.id === 'SLOW-1') as { checks: { id: string; status: string }[] };
    expect(slow.checks.find((c) => c.id === 'custom.ledger')!.status).toBe('pass');
    expect(linesBeforeRelease).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('exit 2: the only line is an error object (and the message is on stderr)', async () => {
    const r = await runCli(['check', 'INV-9999', '--offline', '--format', 'ndjson', '--config', DEMO]);
    expect(r.code).toBe(2);
    const lines = ndjsonLines(r.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ type: 'error', schemaVersion: 1, error: { code: 'INVOICE_NOT_FOUND' } });
    expect(r.stderr).toContain('No invoice with id "INV-9999"');
  });
});

describe('--format junit', () => {
  it('validates against the JUnit schema; one suite per invoice, one case per check; counts match the JSON report', async () => {
    const [r, json] = await Promise.all([runCli(['check', '--all', '--offline', '--format', 'junit', '--config', DEMO]), demoJson()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    await validJunit(r.stdout);
    const root = attributes(/<testsuites ([^>]*)>/.exec(r.stdout)![1]!);
    expect(Number(root.tests)).toBe(json.summary.pass + json.summary.warn + json.summary.fail + json.summary.skip + json.summary.error);
    expect(Number(root.failures)).toBe(json.summary.fail);
    expect(Number(root.errors)).toBe(json.summary.error);
    const suites = junitSuites(r.stdout);
    expect(suites).toHaveLength(json.results.length);
    json.results.forEach((result, i) => {
      const suite = suites[i]!;
      const count = (s: string) => result.checks.filter((c) => c.status === s).length;
      expect(suite.attrs.name).toBe(`${result.invoice.id} (no. ${result.invoice.number.replace(/\s+/g, ' ')})`);
      expect(Number(suite.attrs.tests)).toBe(result.checks.length);
      expect(Number(suite.attrs.failures)).toBe(count('fail'));
      expect(Number(suite.attrs.errors)).toBe(count('error'));
      expect(Number(suite.attrs.skipped)).toBe(count('skip'));
      expect(suite.cases.map((c) => c.attrs.classname)).toEqual(result.checks.map((c) => c.id));
      result.checks.forEach((check, j) => {
        const body = suite.cases[j]!.body;
        if (check.status === 'fail') {
          const failure = /<failure ([^>]*)>([\s\S]*)<\/failure>/.exec(body)!;
          expect(attributes(failure[1]!)).toEqual({ message: `${check.code}: ${check.message.replace(/\s+/g, ' ')}`, type: check.code });
          expect(decode(failure[2]!)).toContain('Fix:\n  1. ');
        } else if (check.status === 'skip') {
          expect(body).toMatch(/^\s*<skipped message="[^"]+"\/>\s*$/);
        } else if (check.status === 'warn') {
          expect(decode(body)).toContain(`<system-out>WARNING ${check.code}: `);
          expect(body).not.toContain('<failure');
        } else {
          expect(body).toBe('');
        }
      });
    });
    // The failure body carries the cause, the numbered steps and the docs link.
    const landline = decode(suites[json.results.findIndex((x) => x.invoice.id === 'INV-1007')]!.cases.find((c) => c.attrs.classname === 'recipient.phone')!.body);
    expect(landline).toContain('Why: The number on file is a landline');
    expect(landline).toContain('Docs: https://help.acmeplumbing.com/billing/sms-needs-a-mobile-number');
  });

  it('--strict (and --fail-on warn): warnings are failures', async () => {
    for (const flag of ['--strict', '--fail-on=warn']) {
      const r = await runCli(['check', 'INV-2001', 'INV-4001', '--offline', '--format', 'junit', flag, '--config', DEMO]);
      expect(r.code).toBe(1);
      await validJunit(r.stdout);
      const sms = junitSuites(r.stdout).flatMap((s) => s.cases).filter((c) => c.attrs.classname === 'message.sms');
      expect(sms).toHaveLength(2);
      for (const c of sms) expect(c.body).toMatch(/<failure message="SMS_[A-Z_]+: [^"]*" type="SMS_[A-Z_]+">/);
    }
  });

  it('an undetermined check is an <error>; control characters are dropped, "]]>" and markup escaped; still valid', async () => {
    const r = await runCli(['check', 'ERR-1', 'WARN-1', 'FAIL-1', 'OK-1', '--offline', '--format', 'junit', '--config', odd]);
    expect(r.code).toBe(1);
    await validJunit(r.stdout);
    expect(r.stdout).not.toContain('\u0001');
    expect(r.stdout).not.toContain(']]>');
    const suites = junitSuites(r.stdout);
    expect(suites.map((s) => [s.attrs.name, s.attrs.failures, s.attrs.errors])).toEqual([['ERR-1', '0', '1'], ['WARN-1', '0', '0'], ['FAIL-1', '1', '0'], ['OK-1', '0', '0']]);
    const ledger = suites[0]!.cases.find((c) => c.attrs.classname === 'custom.ledger')!;
    const error = /<error ([^>]*)>([\s\S]*)<\/error>/.exec(ledger.body)!;
    expect(attributes(error[1]!)).toEqual({ message: 'LEDGER_UNREACHABLE: Ledger at 100% load said: "<busy> & ]]> bell" retry, later: yes', type: 'LEDGER_UNREACHABLE' });
    expect(decode(error[2]!)).toContain('Ledger at 100% load said: "<busy> & ]]> bell"\nretry, later: yes');
    expect(decode(error[2]!)).toContain('  2. Call +44 7700 900123 (the ledger desk).');
    expect(ledger.attrs.name).toBe('Ledger reachable: yes, or no');
  });
});

describe('--format markdown', () => {
  it('masks every email address and phone number of the demo, keeps the gather items, and leaks no secret', async () => {
    const [r, json, contacts] = await Promise.all([
      runCli(['check', '--all', '--offline', '--format', 'markdown', '--config', DEMO], { env: { STRIPE_SECRET_KEY: SECRET } }),
      demoJson(['--all'], { STRIPE_SECRET_KEY: SECRET }),
      demoContacts(),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const md = r.stdout;
    expect(md).not.toContain(SECRET);
    expect(contacts.emails.length).toBeGreaterThan(5);
    for (const email of contacts.emails) expect(md).not.toContain(email);
    expect(md).not.toContain('dana.whitfield');
    for (const phone of contacts.phones) expect(md).not.toContain(phone);
    const e164s = json.results.flatMap((x) => x.checks.map((c) => c.data.e164)).filter((v): v is string => typeof v === 'string');
    expect(e164s.length).toBeGreaterThan(5);
    for (const e164 of e164s) expect(md).not.toContain(e164);
    // What the article asks to gather: the invoice number, the contact details (masked), the error text.
    expect(md).toContain('| Invoice | Number | Account | Status | Email | SMS | Verdict | Problems |');
    expect(md).toContain('## INV-1002 · no. 2026-0042 — NOT READY');
    expect(md).toContain('| Email | d\\*\\*\\*@northwindtraders.com (from customer C-100) |');
    expect(md).toContain('| Phone | +1 ••• ••• 0134 (from customer C-100) |');
    expect(md).toContain('| Phone | +44 ••• ••• 0958 (from customer C-104) |');
    expect(md).toContain('> +44 ••• ••• 0958 is a landline number (GB); it cannot receive text messages.');
    expect(md).toContain('> "•••-••23" is not a valid phone number');
    expect(md).toContain('### ✗ Invoice is validated — `INVOICE_DRAFT` (fail)');
    expect(md).toContain('1. Open the invoice and review the lines, amounts and customer.');
    // Guidance keeps its examples: they are nobody's number.
    expect(md).toContain('(+44 7700 900123)');
    for (const result of json.results) {
      for (const c of result.checks.filter((x) => x.status === 'fail' || x.status === 'warn')) expect(md).toContain(`\`${c.code}\``);
    }
  });

  it('redacts a secret wherever it occurs (an invoice number) and escapes Markdown in data', async () => {
    const r = await runCli(['check', 'LEAK-1', 'WARN-1', 'ERR-1', '--offline', '--format', 'markdown', '--config', odd], { env: { STRIPE_SECRET_KEY: SECRET } });
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stdout).toContain('## LEAK-1 · no. 2026-\\[redacted\\] — READY');
    expect(r.stdout).not.toContain('jo.bloggs@');
    expect(r.stdout).not.toContain('7946 0000');
    expect(r.stdout).toContain('> The notes mention j\\*\\*\\*@bloggs-builders.com and +44 ••• ••• 0000.');
    expect(r.stdout).toContain('"\\<busy\\> \\& \\]\\]\\> bell"');
    expect(r.stdout).toContain('### ? Ledger reachable: yes, or no — `LEDGER_UNREACHABLE` (could not be determined)');
  });
});

describe('GitHub Actions annotations (GITHUB_ACTIONS=true)', () => {
  const GH = { GITHUB_ACTIONS: 'true', ...DEMO_ENV };

  it('go to stderr, escaped, masked, and leave json, ndjson and junit on stdout intact', async () => {
    const json = await runCli(['check', '--all', '--offline', '--json', '--config', DEMO], { env: GH });
    expect(json.code).toBe(1);
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    expect(json.stdout).not.toContain('::');
    const annotations = json.stderr.trimEnd().split('\n');
    for (const line of annotations) expect(line).toMatch(/^::(error|warning|notice) title=[^:]*::\S/);
    // Ten of a kind at most (GitHub drops the rest), then a notice that says so.
    expect(annotations.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(annotations.filter((l) => l.startsWith('::warning '))).toHaveLength(3);
    expect(annotations.at(-1)).toMatch(/^::notice title=invoice-doctor::12 more errors not annotated: GitHub shows at most 10 of each per step\. The full report is in the step's log\.$/);
    expect(json.stderr).toContain('::error title=INV-1002 (no. 2026-0042) Invoice is validated::INVOICE_DRAFT: Invoice 2026-0042 is still a draft; mark it as validated before sending.%0A1. Open the invoice');
    expect(json.stderr).toContain('::error title=INV-1007 (no. 2026-0045) Recipient mobile number::PHONE_NOT_MOBILE: +44 ••• ••• 0958 is a landline number');
    expect(json.stderr).toContain('::warning title=INV-2001 (no. OBE-2026-117) Invoice SMS renders::SMS_UNICODE: ');
    const { emails, phones } = await demoContacts();
    for (const value of [...emails, ...phones]) expect(json.stderr).not.toContain(value);

    const ndjson = await runCli(['check', '--all', '--offline', '--format', 'ndjson', '--config', DEMO], { env: GH });
    expect(ndjsonLines(ndjson.stdout)).toHaveLength(21);
    expect(ndjson.stderr).toBe(json.stderr);

    const junit = await runCli(['check', '--all', '--offline', '--format', 'junit', '--config', DEMO], { env: GH });
    await validJunit(junit.stdout);
    expect(junit.stdout).not.toContain('::error');
    expect(junit.stderr).toBe(json.stderr);
  });

  it('escape %, CR and LF in the message, and also ":" and "," in the title', async () => {
    const r = await runCli(['check', 'ERR-1', 'WARN-1', '--offline', '--config', odd], { env: GH });
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain('::');
    expect(r.stderr).toContain('::error title=ERR-1 Ledger reachable%3A yes%2C or no (could not be determined)::LEDGER_UNREACHABLE: Ledger at 100%25 load said: "<busy> & ]]> bell"%0D%0Aretry, later: yes%0A1. Wait 5 minutes, then run: invoice-doctor check again.%0A2. Call +44 7700 900123 (the ledger desk).\n');
    expect(r.stderr).toContain('::warning title=WARN-1 Invoice notes::NOTES_ODD: The notes mention j***@bloggs-builders.com and +44 ••• ••• 0000.\n');
    // Every line of stderr is a workflow command: a raw line break never splits one.
    for (const line of r.stderr.trimEnd().split('\n')) expect(line).toMatch(/^::(error|warning|notice) /);
  });

  it('with --strict or --fail-on warn, warnings are annotated as errors; without GITHUB_ACTIONS there are none', async () => {
    const strict = await runCli(['check', 'WARN-1', '--offline', '--fail-on', 'warn', '--format', 'markdown', '--config', odd], { env: GH });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^::error title=WARN-1 Invoice notes::NOTES_ODD: /);
    expect(strict.stdout).not.toContain('::');
    const plain = await runCli(['check', 'WARN-1', 'ERR-1', '--offline', '--config', odd]);
    expect(plain.stderr).toBe('');
  });
});

describe('--fail-on', () => {
  // [invoices, default (fail), warn, error]
  const cases: Array<[string[], number, number, number]> = [
    [['OK-1'], 0, 0, 0],
    [['WARN-1'], 0, 1, 0],
    [['FAIL-1'], 1, 1, 0],
    [['ERR-1'], 3, 3, 3],
    [['WARNERR-1'], 3, 1, 3],
    [['FAIL-1', 'ERR-1'], 1, 1, 3],
    [['WARN-1', 'FAIL-1', 'ERR-1'], 1, 1, 3],
  ];
  it.each(cases)('%j: fail → %i, warn → %i, error → %i', async (ids, fail, warn, error) => {
    const [d, f, w, e] = await Promise.all([
      runCli(['check', ...ids, '--offline', '--format', 'ndjson', '--config', odd]),
      runCli(['check', ...ids, '--offline', '--format', 'ndjson', '--fail-on', 'fail', '--config', odd]),
      runCli(['check', ...ids, '--offline', '--format', 'ndjson', '--fail-on', 'warn', '--config', odd]),
      runCli(['check', ...ids, '--offline', '--format', 'ndjson', '--fail-on', 'error', '--config', odd]),
    ]);
    expect([d.code, f.code, w.code, e.code]).toEqual([fail, fail, warn, error]);
    // --fail-on decides the exit code only: the report (readiness) is the same.
    const summaries = [d, w, e].map((x) => ndjsonLines(x.stdout).at(-1));
    expect(summaries[1]).toEqual(summaries[0]);
    expect(summaries[2]).toEqual(summaries[0]);
  });

  it('on the demo: --fail-on error passes a run with failures and no undetermined check', async () => {
    expect((await runCli(['check', '--all', '--offline', '--fail-on', 'error', '--format', 'junit', '--config', DEMO])).code).toBe(0);
    expect((await runCli(['check', 'INV-4001', '--channel', 'sms', '--offline', '--fail-on', 'warn', '--config', DEMO])).code).toBe(1);
  });

  it('rejects an unknown level, and --json with another --format (exit 2)', async () => {
    const bad = await runCli(['check', 'INV-1001', '--offline', '--fail-on', 'warning', '--config', DEMO]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--fail-on.*warning.*(warn, fail, error|Allowed choices)/s);
    const both = await runCli(['check', 'INV-1001', '--offline', '--json', '--format', 'junit', '--config', DEMO]);
    expect(both.code).toBe(2);
    expect(JSON.parse(both.stdout)).toMatchObject({ error: { code: 'USAGE' } });
  });
});

describe('--output with each format', () => {
  it.each(['human', 'json', 'ndjson', 'junit', 'markdown'])('%s: the report goes to the file, nothing to stdout', async (format) => {
    const file = path.join(tmp, 'reports', `demo.${format}`);
    const r = await runCli(['check', 'INV-1002', 'INV-1007', '--offline', '--format', format, '--output', file, '--config', DEMO], { env: { ...{ GITHUB_ACTIONS: 'true' }, STRIPE_SECRET_KEY: SECRET } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`Report written to ${file}`);
    // The annotations follow on stderr.
    expect(lines.slice(1).every((l) => l.startsWith('::error '))).toBe(true);
    expect(lines).toHaveLength(3);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('::error');
    switch (format) {
      case 'human':
        expect(text).toContain('INV-1002 · no. 2026-0042');
        break;
      case 'json':
        expect((JSON.parse(text) as JsonReport).results).toHaveLength(2);
        break;
      case 'ndjson':
        expect(ndjsonLines(text).map((l) => l.type)).toEqual(['result', 'result', 'summary']);
        break;
      case 'junit':
        await validJunit(text);
        expect(junitSuites(text)).toHaveLength(2);
        break;
      case 'markdown':
        expect(text).toContain('## INV-1007 · no. 2026-0045 — NOT READY');
        expect(text).not.toContain('payables@hollisgrant.co.uk');
        break;
    }
  });
});
