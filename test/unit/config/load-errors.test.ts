import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { BASE_CONFIG, inputError, issueAt, tempWorkspace, yaml, type TempWorkspace } from './tmp-workspace.js';

let ws: TempWorkspace;
let file: string;
let shown: string;

beforeEach(async () => {
  ws = await tempWorkspace();
  file = ws.path('invoice-doctor.yaml');
  shown = ws.shown('invoice-doctor.yaml');
});
afterEach(async () => {
  await ws.remove();
});

async function configError(text: string, env: NodeJS.ProcessEnv = {}) {
  await ws.write('invoice-doctor.yaml', text);
  return inputError(() => loadConfig(file, env));
}

describe('loadConfig: YAML syntax errors', () => {
  test('bad indentation is CONFIG_INVALID located at the offending line and column', async () => {
    const err = await configError(yaml(
      'version: 1',
      'data:',
      '  invoices: ./invoices',
      ' customers: ./customers.yaml', // one space: neither inside data nor at the top level
      'accounts:',
      '  acme: { name: Acme, country: US }',
    ));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ file: shown, line: 4, column: 1, path: '', message: 'All mapping items must start at the same column' });
    expect(err.message).toBe(`${shown}:4:1: the file is not valid YAML/JSON: All mapping items must start at the same column.`);
    expect(err.hint).toContain('indentation');
  });

  test('an unclosed quote is CONFIG_INVALID with the line and column where YAML found it', async () => {
    // no newline at the end: the string runs to the end of line 3, where the closing quote is missing
    await ws.write('invoice-doctor.yaml', 'version: 1\ndata:\n  invoices: "./invoices');
    const err = await inputError(() => loadConfig(file, {}));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues[0]).toMatchObject({ file: shown, line: 3, column: 24, path: '', message: 'Missing closing "quote' });
    expect(err.message).toContain(`${shown}:3:24:`);
    expect(err.message).toContain('Missing closing "quote');
    expect(err.hint).toBeDefined();
  });

  test('a duplicate key is CONFIG_INVALID naming the key and its line and column', async () => {
    const err = await configError(yaml(
      'version: 1',
      'data:',
      '  invoices: ./invoices',
      '  invoices: ./other-invoices',
      'accounts:',
      '  acme: { name: Acme, country: US }',
    ));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues[0]).toMatchObject({ file: shown, line: 4, column: 3 });
    expect(err.message).toContain(`${shown}:4:3:`);
    // the rule: the message names the field; yaml's own text ("Map keys must be unique") does not
    expect(err.message).toContain('invoices');
  });
});

describe('loadConfig: shape of the file', () => {
  test.each([
    ['a list', yaml('- version: 1', '- accounts: {}')],
    ['a plain string', yaml('just some words')],
    ['empty', ''],
  ])('a top level that is %s is CONFIG_INVALID at 1:1', async (_what, text) => {
    const err = await configError(text);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toEqual([{ path: '', file: shown, line: 1, column: 1, message: 'expected a mapping at the top level' }]);
    expect(err.message).toBe(`${shown}: the configuration must be a mapping with "version: 1", "data" and "accounts".`);
    expect(err.hint).toContain('fixtures/demo/invoice-doctor.yaml');
  });

  test('a missing version points at the first line of the mapping that should hold it', async () => {
    const err = await configError(yaml(
      '# our invoices',
      '',
      'data:',
      '  invoices: ./invoices',
      'accounts:',
      '  acme: { name: Acme, country: US }',
    ));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ file: shown, line: 3, column: 1, path: 'version' });
    expect(err.message.startsWith(`${shown}:3:1: version `)).toBe(true);
    expect(err.hint).toBeDefined();
  });

  test('version: 2 names the field and the value', async () => {
    const err = await configError(yaml('version: 2', ...BASE_CONFIG.slice(1)));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ file: shown, line: 1, column: 10, path: 'version' });
    expect(err.issues[0]!.message).toMatch(/^is 2; expected /);
    expect(err.message).toContain(`${shown}:1:10: version is 2;`);
  });

  test('version: "1" (a string) says to write the number, instead of suggesting "1" for "1"', async () => {
    const err = await configError(yaml('version: "1"', ...BASE_CONFIG.slice(1)));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues[0]).toMatchObject({ file: shown, line: 1, column: 10, path: 'version' });
    expect(err.message).toContain(`${shown}:1:10: version is "1"`);
    expect(err.issues[0]!.message).not.toContain('Did you mean "1"');
    expect(err.issues[0]!.message).toMatch(/number|without (the )?quotes|unquoted/i);
  });

  test('an unknown top-level key is reported at the key with a did-you-mean', async () => {
    const err = await configError(yaml(...BASE_CONFIG, 'remediaton: ./help-centre.yaml'));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toEqual([
      { path: 'remediaton', file: shown, line: 9, column: 1, message: 'unknown key "remediaton". Did you mean "remediation"?' },
    ]);
    expect(err.message).toBe(`${shown}:9:1: remediaton unknown key "remediaton". Did you mean "remediation"?`);
  });

  test('"acounts" instead of "accounts": the typo is located and "accounts" suggested', async () => {
    const err = await configError(yaml(
      'version: 1',
      'data:',
      '  invoices: ./invoices',
      'acounts:',
      '  acme: { name: Acme, country: US }',
    ));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(issueAt(err, 'acounts')).toEqual({ path: 'acounts', file: shown, line: 4, column: 1, message: 'unknown key "acounts". Did you mean "accounts"?' });
    expect(issueAt(err, 'accounts')).toMatchObject({ file: shown, message: 'is required (expected record)' });
    expect(err.message).toContain('(and 1 more problem, listed below)');
  });

  test('a nested unknown key (smpt under email) is located at the key, with the dotted path and "smtp" suggested', async () => {
    const err = await configError(yaml(
      ...BASE_CONFIG,
      '    email:',
      '      transport: smtp',
      '      smpt: { host: smtp.example.com }',
    ));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ file: shown, line: 11, column: 7, path: 'accounts.acme.email.smpt' });
    expect(err.issues[0]!.message).toBe('unknown key "smpt". Did you mean "smtp"?');
    expect(err.message).toBe(`${shown}:11:7: accounts.acme.email.smpt unknown key "smpt". Did you mean "smtp"?`);
    expect(err.hint).toContain('README');
  });

  test('an unknown key with no close match lists the accepted keys', async () => {
    const err = await configError(yaml(...BASE_CONFIG, '    payments:', '      provider: stripe', '      colour: blue'));
    expect(err.issues).toEqual([
      { path: 'accounts.acme.payments.colour', file: shown, line: 11, column: 7, message: 'unknown key "colour". Accepted keys here: provider, stripe.' },
    ]);
  });

  test('an enum typo (transport: smtpp) lists the accepted values and suggests "smtp"', async () => {
    const err = await configError(yaml(...BASE_CONFIG, '    email:', '      transport: smtpp'));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toEqual([
      {
        path: 'accounts.acme.email.transport',
        file: shown,
        line: 10,
        column: 18,
        message: 'is "smtpp"; expected one of "smtp", "oauth2", "file". Did you mean "smtp"?',
      },
    ]);
    expect(err.message).toContain(`${shown}:10:18: accounts.acme.email.transport is "smtpp"`);
    expect(err.message).toContain('"smtp"');
  });

  test('port: "abc" is a wrong type, located at the value', async () => {
    const err = await configError(yaml(...BASE_CONFIG, '    email:', '      transport: smtp', '      smtp:', '        host: smtp.example.com', '        port: "abc"'));
    expect(err.issues).toEqual([{ path: 'accounts.acme.email.smtp.port', file: shown, line: 13, column: 15, message: 'is "abc"; expected number' }]);
    expect(err.message).toBe(`${shown}:13:15: accounts.acme.email.smtp.port is "abc"; expected number`);
  });

  test('port: "587" (a numeric string) is accepted as the number 587', async () => {
    await ws.write('invoice-doctor.yaml', yaml(...BASE_CONFIG, '    email:', '      transport: smtp', '      smtp: { host: smtp.example.com, port: "587", secure: "false" }'));
    const loaded = await loadConfig(file, {});
    expect(loaded.accounts.get('acme')!.email!.smtp).toEqual({ host: 'smtp.example.com', port: 587, secure: false });
  });

  test('port: 70000 is out of range', async () => {
    const err = await configError(yaml(...BASE_CONFIG, '    email:', '      transport: smtp', '      smtp: { port: 70000 }'));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ path: 'accounts.acme.email.smtp.port', file: shown, line: 11, column: 21 });
    expect(err.issues[0]!.message).toMatch(/^is 70000: /);
  });

  test('channels: email (a string instead of a list) names the field and the value', async () => {
    const err = await configError(yaml(...BASE_CONFIG, '    channels: email'));
    expect(err.issues).toEqual([{ path: 'accounts.acme.channels', file: shown, line: 9, column: 15, message: 'is "email"; expected array' }]);
    expect(err.message).toContain('accounts.acme.channels is "email"');
  });

  test('an unknown channel in the list is located at the list item', async () => {
    const err = await configError(yaml(...BASE_CONFIG, '    channels: [email, smss]'));
    expect(err.issues).toEqual([
      { path: 'accounts.acme.channels[1]', file: shown, line: 9, column: 23, message: 'is "smss"; expected one of "email", "sms". Did you mean "sms"?' },
    ]);
  });

  test('country: UK is rejected with a hint that the United Kingdom is GB', async () => {
    const config = [...BASE_CONFIG];
    config[7] = '    country: UK';
    const err = await configError(yaml(...config));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ path: 'accounts.acme.country', file: shown, line: 8, column: 14 });
    expect(err.message).toContain('accounts.acme.country is "UK"');
    expect(err.message).toContain('GB for the United Kingdom');
  });

  test('country: us (lower case) is one problem, not two', async () => {
    const config = [...BASE_CONFIG];
    config[7] = '    country: us';
    const err = await configError(yaml(...config));
    expect(issueAt(err, 'accounts.acme.country')).toEqual({
      path: 'accounts.acme.country',
      file: shown,
      line: 8,
      column: 14,
      message: 'is "us": expected a two-letter ISO 3166 country code in capitals, such as US or GB',
    });
  });

  test('a missing required account field is located at the account that should hold it', async () => {
    const err = await configError(yaml('version: 1', 'data:', '  invoices: ./invoices', 'accounts:', '  acme:', '    name: Acme Plumbing'));
    expect(err.issues).toEqual([{ path: 'accounts.acme.country', file: shown, line: 6, column: 5, message: 'is required (expected string)' }]);
  });

  test('accounts: {} is rejected at the value', async () => {
    const err = await configError(yaml('version: 1', 'data:', '  invoices: ./invoices', 'accounts: {}'));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ path: 'accounts', file: shown, line: 4, column: 11 });
    expect(err.issues[0]!.message).toContain('at least one account is required');
  });

  test('an account id with a space names the id and what an id may contain', async () => {
    const err = await configError(yaml('version: 1', 'data:', '  invoices: ./invoices', 'accounts:', '  acme corp:', '    name: Acme', '    country: US'));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ file: shown, line: 5, column: 3 });
    expect(err.message).toContain('"acme corp"');
    expect(err.message).toContain('letters, digits');
  });

  test('defaults.account naming a missing account is located at the value, with a did-you-mean', async () => {
    const err = await configError(yaml(
      'version: 1',
      'data:',
      '  invoices: ./invoices',
      'defaults:',
      '  account: acm',
      'accounts:',
      '  acme: { name: Acme, country: US }',
      '  globex: { name: Globex, country: GB }',
    ));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toEqual([
      { path: 'defaults.account', file: shown, line: 5, column: 12, message: 'names account "acm", which is not under "accounts". Did you mean "acme"?' },
    ]);
    expect(err.message).toBe(`${shown}:5:12: defaults.account names account "acm", which is not under "accounts". Did you mean "acme"?`);
  });

  test('a credential of the wrong type is reported without echoing it', async () => {
    const err = await configError(yaml(...BASE_CONFIG, '    email:', '      transport: smtp', '      smtp: { user: billing, pass: 98765432123 }'));
    expect(err.issues).toEqual([
      { path: 'accounts.acme.email.smtp.pass', file: shown, line: 11, column: 36, message: 'is a value (hidden: it is a credential); expected string' },
    ]);
    expect(err.message).not.toContain('98765432123');
  });

  test('several problems: the message names the first and counts the rest; issues lists them all', async () => {
    const err = await configError(yaml(
      'version: 1',
      'data:',
      '  invoices: ./invoices',
      'accounts:',
      '  acme:',
      '    name: Acme',
      '    country: US',
      '    channels: [fax]',
      '    payments: { provider: paypal }',
    ));
    expect(err.issues.map((i) => [i.path, i.line, i.column])).toEqual([
      ['accounts.acme.channels[0]', 8, 16],
      ['accounts.acme.payments.provider', 9, 27],
    ]);
    expect(err.message).toContain(`${shown}:8:16: accounts.acme.channels[0] is "fax"`);
    expect(err.message).toContain('(and 1 more problem, listed below)');
  });
});

describe('loadConfig: the file itself', () => {
  test('a file that does not exist is CONFIG_NOT_FOUND naming the path', async () => {
    const missing = ws.path('nope/invoice-doctor.yaml');
    const err = await inputError(() => loadConfig(missing, {}));
    expect(err.code).toBe('CONFIG_NOT_FOUND');
    expect(err.message).toBe(`Cannot read the configuration file ${ws.shown('nope/invoice-doctor.yaml')}: it does not exist.`);
    expect(err.hint).toContain('--config');
  });

  test('a directory given as the config is CONFIG_NOT_FOUND saying so', async () => {
    await ws.mkdir('conf');
    const err = await inputError(() => loadConfig(ws.path('conf'), {}));
    expect(err.code).toBe('CONFIG_NOT_FOUND');
    expect(err.message).toContain('it is a directory');
  });

  test('a valid config loads: defaults filled in and the single account becomes the default', async () => {
    await ws.write('invoice-doctor.yaml', yaml(...BASE_CONFIG));
    const loaded = await loadConfig(file, {});
    expect(loaded.file).toBe(file);
    expect(loaded.dir).toBe(ws.dir);
    expect(loaded.defaultAccount).toBe('acme');
    expect([...loaded.accounts.keys()]).toEqual(['acme']);
    expect(loaded.accounts.get('acme')).toMatchObject({
      id: 'acme',
      name: 'Acme Plumbing',
      country: 'US',
      channels: ['email'],
      payments: { provider: 'none' },
      templates: {},
      unsetEnv: {},
    });
    expect(loaded.config.plugins).toEqual([]);
  });

  test('defaults.channels apply to accounts that do not set their own', async () => {
    await ws.write('invoice-doctor.yaml', yaml(
      'version: 1',
      'data: { invoices: ./invoices }',
      'defaults: { account: b, channels: [sms] }',
      'accounts:',
      '  a: { name: A, country: US }',
      '  b: { name: B, country: US, channels: [email] }',
    ));
    const loaded = await loadConfig(file, {});
    expect(loaded.defaultAccount).toBe('b');
    expect(loaded.accounts.get('a')!.channels).toEqual(['sms']);
    expect(loaded.accounts.get('b')!.channels).toEqual(['email']);
  });
});
