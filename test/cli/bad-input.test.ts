// Bad input never hangs, crashes or runs unbounded (issue 11): special files and oversized files are
// refused naming the path; recursive YAML and collection keys are located errors; every string is
// bounded; control characters from the data never reach the terminal; a problem in a customer record
// does not make a correct reference to it look unknown. Everything through the CLI, as a user runs it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ENV, ROOT, runCliProcess as run } from '../support/cli.js';

// Each of these inputs once hung (or grew to gigabytes): a regression is killed instead of left running.
// A process each (the built CLI), so a regression that blocks on a special file is killed, not the test runner.
const runCli = (args: string[], options: { env?: Record<string, string> } = {}) => run(args, { ...options, killAfterMs: 15_000 });

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'invoice-doctor-bad-input-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the demo workspace (without its plugin, which imports the package by name), to break. */
function demoCopy(name: string): { dir: string; config: string } {
  const dir = path.join(tmp, name);
  cpSync(path.join(ROOT, 'fixtures/demo'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}outbox`) });
  const config = path.join(dir, 'invoice-doctor.yaml');
  writeFileSync(config, readFileSync(config, 'utf8').replace(/^plugins:\n {2}- \.\/checks\/po-number\.js\n/m, ''));
  return { dir, config };
}

function edit(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

function fifo(file: string): string {
  execFileSync('mkfifo', [file]);
  return file;
}

/** ESC, BEL or CR anywhere: what must never come from the data. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u001b\u0007\r\u009b\u202e]/;

describe('only regular files are read; otherwise exit 2 naming the path and what it is', () => {
  it.each([
    ['a FIFO', () => fifo(path.join(tmp, 'config-fifo.yaml')), 'a FIFO (named pipe)'],
    ['/dev/zero', () => '/dev/zero', 'a character device'],
    ['/dev/urandom', () => '/dev/urandom', 'a character device'],
    ['a directory', () => tmp, 'a directory'],
  ])('--config %s', async (_, make, what) => {
    const file = make();
    const r = await runCli(['check', '--all', '--offline', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Cannot read the configuration file ${path.relative(ROOT, file).startsWith('..') ? file : path.relative(ROOT, file)}: it is ${what}, not a regular file.`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('the customers file, the remediation file and the invoices location as FIFOs or devices', async () => {
    const { dir, config } = demoCopy('special-data');
    rmSync(path.join(dir, 'customers.yaml'));
    fifo(path.join(dir, 'customers.yaml'));
    let r = await runCli(['check', 'INV-1001', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/customers\.yaml {2}cannot read the customers file \(data\.customers\): it is a FIFO \(named pipe\), not a regular file/);

    edit(config, (t) => t.replace('customers: ./customers.yaml', 'customers: ./invoices/INV-1001.yaml').replace('remediation: ./help-centre.yaml', 'remediation: /dev/zero'));
    r = await runCli(['check', 'INV-1001', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cannot read the remediation file /dev/zero (the "remediation" key of the configuration): it is a character device, not a regular file.');

    edit(config, (t) => t.replace('remediation: /dev/zero\n', '').replace('invoices: ./invoices', 'invoices: /dev/urandom'));
    r = await runCli(['check', '--all', '--offline', '--config', config]);
    expect(r.code).toBe(2); // nothing could be checked at all
    expect(r.stdout).toContain('/dev/urandom · no. /dev/urandom · input_error');
    expect(r.stdout).toContain('cannot read invoice file: it is a character device, not a regular file');
  });

  it('a FIFO or a directory among the invoices: exit 2 for check <id>, a DATA_INVALID result in a batch; symlinks are fine', async () => {
    const { dir, config } = demoCopy('special-invoices');
    fifo(path.join(dir, 'invoices/INV-9001.yaml'));
    mkdirSync(path.join(dir, 'invoices/INV-9002.yml'));
    // A symbolic link to a regular file is read as the file.
    mkdirSync(path.join(dir, 'elsewhere'));
    cpSync(path.join(dir, 'invoices/INV-1001.yaml'), path.join(dir, 'elsewhere/INV-1001.yaml'));
    rmSync(path.join(dir, 'invoices/INV-1001.yaml'));
    execFileSync('ln', ['-s', path.join(dir, 'elsewhere/INV-1001.yaml'), path.join(dir, 'invoices/INV-1001.yaml')]);
    const one = await runCli(['check', 'INV-1002', '--offline', '--config', config]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/invoices\/INV-9001\.yaml {2}cannot read invoice file: it is a FIFO \(named pipe\), not a regular file/);
    expect(one.stderr).toMatch(/invoices\/INV-9002\.yml {2}cannot read invoice file: it is a directory, not a regular file/);

    const all = await runCli(['check', '--all', '--offline', '--json', '--config', config]);
    expect(all.code).toBe(1);
    const report = JSON.parse(all.stdout) as { results: Array<{ invoice: { id: string }; checks: Array<{ code: string | null; message: string }> }> };
    const bad = report.results.filter((x) => x.checks[0]?.code === 'DATA_INVALID');
    expect(bad.map((x) => path.basename(x.invoice.id)).sort()).toEqual(['INV-9001.yaml', 'INV-9002.yml']);
    expect(bad.find((x) => x.invoice.id.endsWith('INV-9001.yaml'))!.checks[0]!.message).toContain('it is a FIFO (named pipe)');
    expect(report.results.find((x) => x.invoice.id === 'INV-1001')!.checks.map((c) => c.code)).not.toContain('DATA_INVALID');
  });

  it('a plugin path that is a FIFO is refused before it is imported', async () => {
    const { dir, config } = demoCopy('special-plugin');
    fifo(path.join(dir, 'plugin.js'));
    edit(config, (t) => t.replace('version: 1\n', 'version: 1\nplugins: [./plugin.js]\n'));
    const r = await runCli(['check', 'INV-1001', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('plugin.js (listed under "plugins" in the configuration) could not be loaded: it is a FIFO (named pipe), not a regular file.');
  });

  it('a ca_file that is a FIFO is refused at its line, before any connection would read it', async () => {
    const { dir, config } = demoCopy('special-ca');
    fifo(path.join(dir, 'ca.pem'));
    edit(config, (t) => t.replace('      transport: file\n      file: { dir: ./outbox/email }\n', '      transport: smtp\n      smtp: { host: 127.0.0.1, ca_file: ./ca.pem }\n'));
    const r = await runCli(['check', 'INV-1001', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/special-ca\/invoice-doctor\.yaml:25:41: accounts\.acme\.email\.smtp\.ca_file is .*special-ca\/ca\.pem: it is a FIFO \(named pipe\), not a regular file/);
  });

  it('a file over its size cap: the 10 MB account name in a copy of the demo is refused without being parsed', async () => {
    const { config } = demoCopy('huge-name');
    edit(config, (t) => t.replace('name: Acme Plumbing', `name: ${'A'.repeat(10_000_000)}`));
    const r = await runCli(['check', '--all', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cannot read the configuration file .*huge-name\/invoice-doctor\.yaml: it is 9\.5 MiB, over the limit of 1 MiB for a configuration file\./);
    expect(r.stderr.length).toBeLessThan(1000);
  });

  it('an invoice file over 1 MiB is a located problem of that file', async () => {
    const { dir, config } = demoCopy('huge-invoice');
    writeFileSync(path.join(dir, 'invoices/INV-9999.yaml'), `id: INV-9999\n# ${'x'.repeat(1024 * 1024)}\n`);
    const r = await runCli(['check', 'INV-1001', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/INV-9999\.yaml: the invoice cannot read invoice file: it is 1,048,592 bytes, over the limit of 1 MiB for an invoice file/);
  });
});

describe('YAML that cannot be a value: a located exit 2, never a stack overflow or a library warning', () => {
  it('a merge key referring to its own anchor', async () => {
    const { config } = demoCopy('self-merge');
    edit(config, (t) => `${t}  loop: &ob\n    name: Loop\n    country: US\n    <<: *ob\n`);
    const r = await runCli(['check', '--all', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    const line = readFileSync(config, 'utf8').split('\n').indexOf('    <<: *ob') + 1;
    expect(r.stderr).toContain(`self-merge/invoice-doctor.yaml:${line}:9: the file is not valid YAML/JSON: the alias *ob refers to the anchor &ob that contains it`);
    expect(r.stderr).not.toMatch(/Maximum call stack|internal error/);
  });

  it('a recursive alias in an invoice file is that file\'s DATA_INVALID result in a batch', async () => {
    const { dir, config } = demoCopy('self-alias');
    writeFileSync(path.join(dir, 'invoices/INV-9100.yaml'), 'id: INV-9100\nmetadata: &m\n  again: [*m]\n');
    const r = await runCli(['check', '--all', '--offline', '--json', '--config', config]);
    expect(r.code).toBe(1);
    const result = (JSON.parse(r.stdout) as { results: Array<{ invoice: { id: string }; checks: Array<{ message: string }> }> }).results.find((x) => x.invoice.id.endsWith('INV-9100.yaml'));
    expect(result!.checks[0]!.message).toMatch(/INV-9100\.yaml:3:11: the alias \*m refers to the anchor &m that contains it/);
  });

  it('a collection used as a key: located at the key, nothing from the library on stderr', async () => {
    const { config } = demoCopy('collection-key');
    edit(config, (t) => t.replace('defaults:\n  account: acme\n', 'defaults:\n  account: acme\n  ? [a, b]\n  : 1\n'));
    const r = await runCli(['check', '--all', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/collection-key\/invoice-doctor\.yaml:10:5: the file is not valid YAML\/JSON: a list or mapping cannot be used as a key/);
    expect(r.stderr).not.toMatch(/Warning|stringified|1:1/);
  });

  it('an unknown tag prints no YAMLWarning', async () => {
    const { config } = demoCopy('unknown-tag');
    edit(config, (t) => t.replace('name: Acme Plumbing', 'name: !custom Acme Plumbing'));
    const r = await runCli(['check', 'INV-1001', '--offline', '--config', config], { env: DEMO_ENV });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('every string is bounded: exit 2 at its line and column, with the limit', () => {
  it('an account name over 200 characters', async () => {
    const { config } = demoCopy('long-name');
    edit(config, (t) => t.replace('name: Acme Plumbing', `name: ${'A'.repeat(300_000)}`));
    const r = await runCli(['check', '--all', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/long-name\/invoice-doctor\.yaml:15:11: accounts\.acme\.name is "A{56}\.\.\.: too long \(300,000 characters\): at most 200 characters/);
    expect(r.stderr.length).toBeLessThan(1000);
  });

  it('an email template over 10,000 characters, an invoice id over 128, a description over 1,000, more than 1,000 lines', async () => {
    const { dir, config } = demoCopy('long-values');
    edit(config, (t) => t.replace('email_subject: ""', `email_subject: "${'s'.repeat(10_001)}"`));
    let r = await runCli(['check', 'INV-1001', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/accounts\.greenleaf\.templates\.email_subject is "s+\.\.\.: too long \(10,001 characters\): at most 10,000 characters/);

    edit(config, (t) => t.replace(/email_subject: "s+"/, 'email_subject: ""'));
    writeFileSync(path.join(dir, 'invoices/long.yaml'), [
      `- { id: ${'L'.repeat(129)}, status: draft, customer: C-100, currency: USD, lines: [{ description: x, unit_amount: 1 }] }`,
      `- { id: INV-L2, status: draft, customer: C-100, currency: USD, lines: [{ description: ${'d'.repeat(1001)}, unit_amount: 1 }] }`,
      `- { id: INV-L3, status: draft, customer: C-100, currency: USD, lines: [${Array(1001).fill('{ description: x, unit_amount: 1 }').join(', ')}] }`,
      '',
    ].join('\n'));
    r = await runCli(['check', 'INV-L2', 'INV-L3', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/long\.yaml:1:9 {2}\[0\]\.id {2}is "L+\.\.\.: too long \(129 characters\): at most 128 characters/);
    expect(r.stderr).toMatch(/long\.yaml:2:\d+ {2}\[1\]\.lines\[0\]\.description {2}is "d+\.\.\.: too long \(1,001 characters\): at most 1,000 characters/);
    expect(r.stderr).toMatch(/long\.yaml:3:\d+ {2}\[2\]\.lines {2}is a list: has too many lines: at most 1,000/);
  });
});

describe('control characters from the data never reach the terminal', () => {
  const HOSTILE = 'Dana\\e]0;pwned\\aWhit\\e[2Jfield \\e]8;;https://evil.example\\e\\\\click here\\e]8;;\\e\\\\ ring\\a cr\\rX \\u202eRLO \\u009b31m';

  it('a customer name and a line description with ESC sequences, OSC 8, BEL, CR: the human report shows them escaped', async () => {
    const { dir, config } = demoCopy('hostile-names');
    edit(path.join(dir, 'customers.yaml'), (t) => t.replace('name: Dana Whitfield', `name: "${HOSTILE}"`));
    edit(path.join(dir, 'invoices/INV-1001.yaml'), (t) => t.replace('Annual boiler service', '"Annual \\e[31mboiler\\e[0m service\\a\\r"'));
    for (const format of ['human', 'markdown']) {
      const r = await runCli(['check', 'INV-1001', 'INV-1002', '--offline', '--format', format, '--config', config]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).not.toMatch(RAW_CONTROL);
      expect(r.stderr).toBe('');
    }
    const human = await runCli(['check', 'INV-1001', '--offline', '--config', config]);
    expect(human.stdout).toContain('Dana\\x1b]0;pwned\\x07Whit\\x1b[2Jfield \\x1b]8;;https://evil.example\\x1b\\click here\\x1b]8;;\\x1b\\ ring\\x07 cr\\rX \\u202eRLO \\x9b31m');
  });

  it('an invoice id, customer id or account reference holding a control character: exit 2 with its location', async () => {
    const { dir, config } = demoCopy('control-ids');
    edit(path.join(dir, 'invoices/INV-1002.yaml'), (t) => t.replace('id: INV-1002', 'id: "INV-1002\\e[2J"'));
    edit(path.join(dir, 'invoices/INV-1003.yaml'), (t) => t.replace(/^customer: .*$/m, 'customer: "C-1\\a00"'));
    const r = await runCli(['check', 'INV-1003', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invoices\/INV-1003\.yaml:\d+:11 {2}customer {2}is "C-1\\u000700": contains a control character; an id may hold only printable characters/);
    const all = await runCli(['check', '--all', '--offline', '--config', config]);
    expect(all.stdout + all.stderr).not.toMatch(RAW_CONTROL);
    const json = await runCli(['check', '--all', '--offline', '--json', '--config', config]);
    expect(json.stdout).toMatch(/invoices\/INV-1002\.yaml:2:5: id is \\"INV-1002\\\\u001b\[2J\\": contains a control character/);
  });
});

describe('control characters in error messages', () => {
  it('an unknown key holding ESC and BEL is named escaped on stderr', async () => {
    const { config } = demoCopy('control-key');
    edit(config, (t) => t.replace('version: 1\n', 'version: 1\n"\\e[2Jevil\\a": 1\n'));
    const r = await runCli(['check', '--all', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown key "\\x1b[2Jevil\\x07"');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });
});

describe('a problem in a customer record does not make its correct reference look unknown', () => {
  it('an unquoted phone number: one error, no did-you-mean for C-100', async () => {
    const { dir, config } = demoCopy('unquoted-phone');
    edit(path.join(dir, 'customers.yaml'), (t) => t.replace('phone: "(415) 555-0134"', 'phone: 4155550134'));
    const r = await runCli(['check', 'INV-1001', '--offline', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('customers.yaml:4:10: [0].phone is 4155550134; expected a phone number in quotes');
    expect(r.stderr).not.toMatch(/more problem|Did you mean|which is not in the customers file/);
    // In a batch, the invoices of that customer are reported with the customer's problem, not dropped.
    const all = await runCli(['check', '--all', '--offline', '--json', '--config', config]);
    const results = (JSON.parse(all.stdout) as { results: Array<{ invoice: { id: string }; checks: Array<{ message: string }> }> }).results;
    expect(results.find((x) => x.invoice.id === 'INV-1001')!.checks[0]!.message).toContain('customers.yaml:4:10: [0].phone is 4155550134');
    expect(all.stdout).not.toContain('Did you mean');
  });
});
