import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { interpolate } from '../../../src/config/interpolate.js';
import { REDACTED, Redactor, redactor } from '../../../src/config/redact.js';
import { BASE_CONFIG, inputError, tempWorkspace, yaml, type TempWorkspace } from './tmp-workspace.js';

let ws: TempWorkspace;
let file: string;

beforeEach(async () => {
  ws = await tempWorkspace();
  file = ws.path('invoice-doctor.yaml');
});
afterEach(async () => {
  await ws.remove();
});

/** A random value no pattern would mask, so only registration can redact it. */
const unique = (prefix: string) => `${prefix}${randomBytes(9).toString('hex')}`;

async function load(rows: string[], env: NodeJS.ProcessEnv) {
  await ws.write('invoice-doctor.yaml', yaml(...rows));
  return loadConfig(file, env);
}

const STRIPE_ACCOUNT = [
  ...BASE_CONFIG,
  '    payments:',
  '      provider: stripe',
  '      stripe:',
  '        secret_key: "${STRIPE_SECRET_KEY}"',
  '        account: "${STRIPE_ACCOUNT_ID}"',
];

describe('${VAR} interpolation through loadConfig', () => {
  test('a set variable is substituted, also inside a longer string', async () => {
    const loaded = await load(
      [...STRIPE_ACCOUNT, '    email:', '      from: "${SENDER_NAME} <billing@acme.example>"', '      transport: file', '      file: { dir: ./outbox }'],
      { STRIPE_SECRET_KEY: unique('key-'), STRIPE_ACCOUNT_ID: 'acct_1Nv0Fg2eZvKYlo2C', SENDER_NAME: 'Acme Billing' },
    );
    const acme = loaded.accounts.get('acme')!;
    expect(acme.payments.stripe!.account).toBe('acct_1Nv0Fg2eZvKYlo2C');
    expect(acme.email!.from).toBe('Acme Billing <billing@acme.example>');
    expect(acme.unsetEnv).toEqual({});
  });

  test('an unset variable in an optional field is not an error: the value is undefined and unsetEnv names the variable', async () => {
    const loaded = await load(STRIPE_ACCOUNT, { STRIPE_ACCOUNT_ID: 'acct_123' });
    const acme = loaded.accounts.get('acme')!;
    expect(acme.payments.stripe!.secret_key).toBeUndefined();
    expect(acme.payments.stripe!.account).toBe('acct_123');
    expect(acme.unsetEnv).toEqual({ 'payments.stripe.secret_key': 'STRIPE_SECRET_KEY' });
  });

  test('a variable set to the empty string counts as unset', async () => {
    const loaded = await load(STRIPE_ACCOUNT, { STRIPE_SECRET_KEY: '', STRIPE_ACCOUNT_ID: 'acct_123' });
    expect(loaded.accounts.get('acme')!.unsetEnv).toEqual({ 'payments.stripe.secret_key': 'STRIPE_SECRET_KEY' });
  });

  test('unsetEnv is per account, relative to the account', async () => {
    const loaded = await load(
      [
        'version: 1',
        'data: { invoices: ./invoices }',
        'accounts:',
        '  a:',
        '    name: A',
        '    country: US',
        '    sms: { transport: twilio, twilio: { account_sid: "${A_SID}", auth_token: "${A_TOKEN}" } }',
        '  b:',
        '    name: B',
        '    country: GB',
        '    email: { transport: smtp, smtp: { host: mail.b.example, pass: "${B_SMTP_PASS}" } }',
      ],
      { A_SID: 'AC0123456789' },
    );
    expect(loaded.accounts.get('a')!.unsetEnv).toEqual({ 'sms.twilio.auth_token': 'A_TOKEN' });
    expect(loaded.accounts.get('a')!.sms!.twilio).toEqual({ account_sid: 'AC0123456789', auth_token: undefined });
    expect(loaded.accounts.get('b')!.unsetEnv).toEqual({ 'email.smtp.pass': 'B_SMTP_PASS' });
  });

  test('an unset variable in a required field is CONFIG_INVALID naming the field and the variable', async () => {
    const rows = [...BASE_CONFIG];
    rows[6] = '    name: "${ACME_NAME}"';
    await ws.write('invoice-doctor.yaml', yaml(...rows));
    const err = await inputError(() => loadConfig(file, {}));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toEqual([
      { path: 'accounts.acme.name', file: ws.shown('invoice-doctor.yaml'), line: 7, column: 11, message: 'needs the environment variable ACME_NAME, which is not set' },
    ]);
    expect(err.message).toContain('accounts.acme.name needs the environment variable ACME_NAME');
  });

  test('an unset variable in a list item names the list position', async () => {
    // a list item cannot be left out the way an optional field can, so this one is an error
    const err = await inputError(() => load([...BASE_CONFIG, 'plugins:', '  - ./checks/a.js', '  - "${EXTRA_PLUGIN}"'], {}));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues).toEqual([
      { path: 'plugins[1]', file: ws.shown('invoice-doctor.yaml'), line: 11, column: 5, message: 'needs the environment variable EXTRA_PLUGIN, which is not set' },
    ]);
  });

  test('${VAR:-default} uses the default when the variable is unset or empty, and the variable when set', async () => {
    const rows = [...BASE_CONFIG, '    email:', '      transport: smtp', '      smtp: { host: "${SMTP_HOST:-localhost}", port: "${SMTP_PORT:-2525}" }'];
    const unset = await load(rows, {});
    expect(unset.accounts.get('acme')!.email!.smtp).toEqual({ host: 'localhost', port: 2525 });
    expect(unset.accounts.get('acme')!.unsetEnv).toEqual({});
    const empty = await load(rows, { SMTP_HOST: '' });
    expect(empty.accounts.get('acme')!.email!.smtp!.host).toBe('localhost');
    const set = await load(rows, { SMTP_HOST: 'smtp.acme.example', SMTP_PORT: '587' });
    expect(set.accounts.get('acme')!.email!.smtp).toEqual({ host: 'smtp.acme.example', port: 587 });
  });

  test('$${ is a literal ${ and is not looked up', async () => {
    const loaded = await load([...BASE_CONFIG, '    templates:', '      sms: "Pay $${amount} now, ${SHOP}"'], { SHOP: 'Acme', amount: 'should-not-appear' });
    const acme = loaded.accounts.get('acme')!;
    expect(acme.templates.sms).toBe('Pay ${amount} now, Acme');
    expect(acme.unsetEnv).toEqual({});
  });

  test('a value from the environment that fails validation names the field and the variable', async () => {
    const err = await inputError(() => load([...BASE_CONFIG, '    email:', '      transport: smtp', '      smtp: { port: "${SMTP_PORT}" }'], { SMTP_PORT: 'abc' }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ path: 'accounts.acme.email.smtp.port', file: ws.shown('invoice-doctor.yaml'), line: 11, column: 21 });
    expect(err.message).toContain('SMTP_PORT');
  });
});

describe('secrets and the redactor', () => {
  test('a secret read from the environment is registered with the process-wide redactor', async () => {
    const secret = unique('stripe-secret-');
    await load(STRIPE_ACCOUNT, { STRIPE_SECRET_KEY: secret, STRIPE_ACCOUNT_ID: 'acct_123' });
    expect(redactor.redact(`Stripe said: invalid key ${secret}.`)).toBe(`Stripe said: invalid key ${REDACTED}.`);
  });

  test('a credential-named variable is registered even when interpolated into an ordinary field', async () => {
    const token = unique('tok-');
    const name = unique('name-');
    await load([...BASE_CONFIG.slice(0, 6), '    name: "${ACME_NAME}"', '    country: US', '    templates: { email_subject: "${PORTAL_API_TOKEN}" }'], {
      ACME_NAME: name,
      PORTAL_API_TOKEN: token,
    });
    expect(redactor.redact(`${name} ${token}`)).toBe(`${name} ${REDACTED}`);
  });

  test('a secret written literally in a credential field is registered too', async () => {
    const pass = unique('literal-pass-');
    await load([...BASE_CONFIG, '    email:', '      transport: smtp', `      smtp: { host: mail.example.net, user: billing, pass: "${pass}" }`], {});
    expect(redactor.redact(`AUTH failed for billing/${pass}`)).toBe(`AUTH failed for billing/${REDACTED}`);
  });

  test('a value shorter than 4 characters is registered, but replaced in free text only as a whole token after a credential word', () => {
    const own = new Redactor();
    own.add('abc');
    own.add(12345);
    expect(own.isSecret('abc')).toBe(true);
    expect(own.redact('abcd abc 12345')).toBe(`abcd abc ${REDACTED}`);
    expect(own.redact('535 invalid password: abc.')).toBe(`535 invalid password: ${REDACTED}.`);
    expect(own.redact('{"auth_token":"abc"}')).toBe(`{"auth_token":"${REDACTED}"}`);
  });

  test('the longest registered secret wins when one contains another', () => {
    const own = new Redactor();
    own.add('secret');
    own.add('secret-and-more');
    expect(own.redact('x secret-and-more y secret z')).toBe(`x ${REDACTED} y ${REDACTED} z`);
  });

  test('well-known credential shapes are masked even when never registered', () => {
    const own = new Redactor();
    expect(own.redact('key sk_live_51HxAbCdEfGh12345 and sk_test_abcd1234')).toBe('key sk_live_[redacted] and sk_test_[redacted]');
    expect(own.redact('restricted rk_test_Zz9Yy8Xx7 / rk_live_Q1w2E3r4')).toBe('restricted rk_test_[redacted] / rk_live_[redacted]');
    expect(own.redact('webhook whsec_0123456789abcdef')).toBe('webhook whsec_[redacted]');
    expect(own.redact('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig')).toBe('Authorization: Bearer [redacted]');
    expect(own.redact('smtp://billing:hunter2@mail.example.net:587')).toBe('smtp://billing:[redacted]@mail.example.net:587');
    expect(own.redact('nothing secret here: sk_ alone, acct_123')).toBe('nothing secret here: sk_ alone, acct_123');
  });

  test('redactValue returns a deep copy with every string redacted and other values kept', () => {
    const own = new Redactor();
    own.add('hunter2hunter2');
    const original = {
      message: 'login hunter2hunter2 failed',
      nested: { list: ['ok', 'sk_live_abcdef123456', { deeper: 'pw=hunter2hunter2' }], count: 3, flag: true, none: null },
    };
    const snapshot = structuredClone(original);
    const copy = own.redactValue(original);
    expect(copy).toEqual({
      message: `login ${REDACTED} failed`,
      nested: { list: ['ok', 'sk_live_[redacted]', { deeper: `pw=${REDACTED}` }], count: 3, flag: true, none: null },
    });
    expect(original).toEqual(snapshot);
    expect(copy).not.toBe(original);
    expect(copy.nested).not.toBe(original.nested);
    expect(copy.nested.list).not.toBe(original.nested.list);
    expect(copy.nested.list[2]).not.toBe(original.nested.list[2]);
  });
});

describe('interpolate() directly', () => {
  test('walks lists and mappings, records unset paths with list indexes, and leaves non-strings alone', () => {
    const own = new Redactor();
    const result = interpolate(
      { a: ['${SET}', '${UNSET}', 7], b: { c: true, d: null, e: 'x-${UNSET2:-fallback}-y', f: '$${SET}' } },
      { SET: 'value' },
      own,
    );
    expect(result.value).toEqual({ a: ['value', undefined, 7], b: { c: true, d: null, e: 'x-fallback-y', f: '${SET}' } });
    expect(result.unsetEnv).toEqual({ 'a.1': 'UNSET' });
  });

  test('a string with one set and one unset variable becomes undefined (never half-substituted)', () => {
    const result = interpolate({ url: 'https://${HOST}/${PATH_PART}' }, { HOST: 'api.example.com' }, new Redactor());
    expect(result.value).toEqual({ url: undefined });
    expect(result.unsetEnv).toEqual({ url: 'PATH_PART' });
  });

  test('registers only credentials: secret fields and credential-named variables', () => {
    const own = new Redactor();
    interpolate(
      { auth_token: '${TW}', host: '${HOST}', note: '${MY_PASSWORD}' },
      { TW: 'twilio-token-value', HOST: 'smtp.example.org', MY_PASSWORD: 'p4ssw0rd!' },
      own,
    );
    expect(own.redact('twilio-token-value smtp.example.org p4ssw0rd!')).toBe(`${REDACTED} smtp.example.org ${REDACTED}`);
  });
});
