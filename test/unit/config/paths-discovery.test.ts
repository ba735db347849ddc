import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { discoverConfig, loadConfig, requireConfigPath } from '../../../src/config/load.js';
import { inputError, tempWorkspace, yaml, type TempWorkspace } from './tmp-workspace.js';

let ws: TempWorkspace;

beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(async () => {
  await ws.remove();
});

describe('relative paths in the config', () => {
  const CONFIG = yaml(
    'version: 1',
    'data:',
    '  invoices: ./data/invoices',
    '  customers: data/customers.yaml',
    'plugins: [./checks/ours.js, ../shared/checks/theirs.js]',
    'remediation: ./help-centre.yaml',
    'accounts:',
    '  acme:',
    '    name: Acme',
    '    country: US',
    '    email:',
    '      transport: file',
    '      file: { dir: ./outbox/email }',
    '      smtp: { ca_file: certs/ca.pem }',
    '    sms:',
    '      transport: file',
    '      file: { dir: outbox/sms }',
  );

  test('are resolved against the config file folder, not the working directory', async () => {
    const file = await ws.write('conf/invoice-doctor.yaml', CONFIG);
    const conf = ws.path('conf');
    expect(process.cwd()).not.toBe(conf);
    const loaded = await loadConfig(file, {});
    expect(loaded.dir).toBe(conf);
    expect(loaded.config.data).toEqual({ invoices: path.join(conf, 'data/invoices'), customers: path.join(conf, 'data/customers.yaml') });
    expect(loaded.config.plugins).toEqual([path.join(conf, 'checks/ours.js'), path.join(ws.dir, 'shared/checks/theirs.js')]);
    expect(loaded.config.remediation).toBe(path.join(conf, 'help-centre.yaml'));
    expect(loaded.config.journal).toBe(path.join(conf, '.invoice-doctor/outbox.db'));
    const acme = loaded.accounts.get('acme')!;
    expect(acme.email!.file!.dir).toBe(path.join(conf, 'outbox/email'));
    expect(acme.email!.smtp!.ca_file).toBe(path.join(conf, 'certs/ca.pem'));
    expect(acme.sms!.file!.dir).toBe(path.join(conf, 'outbox/sms'));
  });

  test('a config given by a relative path still resolves against its own folder', async () => {
    const file = await ws.write('conf/invoice-doctor.yaml', CONFIG);
    const relative = path.relative(process.cwd(), file);
    expect(path.isAbsolute(relative)).toBe(false);
    const loaded = await loadConfig(relative, {});
    expect(loaded.config.data.invoices).toBe(path.join(ws.dir, 'conf/data/invoices'));
    expect(loaded.accounts.get('acme')!.email!.file!.dir).toBe(path.join(ws.dir, 'conf/outbox/email'));
  });

  test('absolute paths are kept as written', async () => {
    const elsewhere = path.join(ws.dir, 'elsewhere');
    const file = await ws.write('conf/invoice-doctor.yaml', yaml(
      'version: 1',
      `data: { invoices: "${elsewhere}/invoices" }`,
      `journal: "${elsewhere}/journal.jsonl"`,
      'accounts:',
      '  acme: { name: Acme, country: US }',
    ));
    const loaded = await loadConfig(file, {});
    expect(loaded.config.data.invoices).toBe(`${elsewhere}/invoices`);
    expect(loaded.config.journal).toBe(`${elsewhere}/journal.jsonl`);
  });
});

describe('discoverConfig', () => {
  test('--config wins over INVOICE_DOCTOR_CONFIG and the default names, and is resolved against the cwd', async () => {
    await ws.write('invoice-doctor.yaml', 'version: 1\n');
    expect(discoverConfig('custom/doctor.yaml', { INVOICE_DOCTOR_CONFIG: 'from-env.yaml' }, ws.dir)).toBe(ws.path('custom/doctor.yaml'));
    expect(discoverConfig('/abs/doctor.yaml', {}, ws.dir)).toBe('/abs/doctor.yaml');
  });

  test('INVOICE_DOCTOR_CONFIG is used when there is no flag, and wins over ./invoice-doctor.yaml', async () => {
    await ws.write('invoice-doctor.yaml', 'version: 1\n');
    expect(discoverConfig(undefined, { INVOICE_DOCTOR_CONFIG: 'env/doctor.yaml' }, ws.dir)).toBe(ws.path('env/doctor.yaml'));
  });

  test('an empty flag or variable does not count', async () => {
    await ws.write('invoice-doctor.yaml', 'version: 1\n');
    expect(discoverConfig('', { INVOICE_DOCTOR_CONFIG: '' }, ws.dir)).toBe(ws.path('invoice-doctor.yaml'));
  });

  test('then ./invoice-doctor.yaml, which wins over ./invoice-doctor.yml', async () => {
    await ws.write('invoice-doctor.yml', 'version: 1\n');
    await ws.write('invoice-doctor.yaml', 'version: 1\n');
    expect(discoverConfig(undefined, {}, ws.dir)).toBe(ws.path('invoice-doctor.yaml'));
  });

  test('then ./invoice-doctor.yml', async () => {
    await ws.write('invoice-doctor.yml', 'version: 1\n');
    expect(discoverConfig(undefined, {}, ws.dir)).toBe(ws.path('invoice-doctor.yml'));
  });

  test('nothing found: undefined, and requireConfigPath throws CONFIG_NOT_FOUND naming the folder', async () => {
    expect(discoverConfig(undefined, {}, ws.dir)).toBeUndefined();
    const err = await inputError(() => requireConfigPath(undefined, {}, ws.dir));
    expect(err.code).toBe('CONFIG_NOT_FOUND');
    expect(err.message).toBe(
      `No configuration found: no --config flag, no INVOICE_DOCTOR_CONFIG variable, and no invoice-doctor.yaml or invoice-doctor.yml in ${ws.dir}.`,
    );
    expect(err.hint).toContain('--config');
  });

  test('requireConfigPath returns what discoverConfig found', async () => {
    await ws.write('invoice-doctor.yml', 'version: 1\n');
    expect(requireConfigPath(undefined, {}, ws.dir)).toBe(ws.path('invoice-doctor.yml'));
  });
});
