import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '../../src/send/templates.js';
import { DEMO, runCli, runCliProcess } from '../support/cli.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'invoice-doctor-start-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/**
 * Every module the process loaded, and whether it loaded the phone metadata (through the
 * phone-metadata chunk, the only code that reads libphonenumber's metadata file).
 */
async function loadedModules(args: string[], name: string): Promise<{ urls: string[]; phoneMetadata: boolean }> {
  const trace = path.join(tmp, `${name}.txt`);
  const r = await runCliProcess(args, { traceImports: trace });
  expect(r.code, r.stderr).toBeLessThan(2);
  const urls = [...new Set((await readFile(trace, 'utf8')).split('\n').filter(Boolean))];
  return { urls, phoneMetadata: urls.some((u) => /chunks\/phone-metadata-/.test(u)) };
}

const SDK = /node_modules\/(stripe|twilio|nodemailer|libphonenumber-js)\//;
/** The outbox's database drivers: loaded only by a command that reads or writes a send history that exists. */
const DB_DRIVER = /node_modules\/(better-sqlite3|pg|bindings)\//;

describe('start-up loads only what the command needs', () => {
  it('--help loads no SDK, no phone metadata, and no command implementation', async () => {
    const { urls, phoneMetadata } = await loadedModules(['--help'], 'help');
    expect(urls.filter((u) => SDK.test(u) || DB_DRIVER.test(u))).toEqual([]);
    expect(phoneMetadata).toBe(false);
    expect(urls.some((u) => /chunks\/check-/.test(u))).toBe(false);
  });

  it('checks loads no SDK and no phone metadata', async () => {
    const { urls, phoneMetadata } = await loadedModules(['checks', '--config', DEMO], 'checks');
    expect(urls.filter((u) => SDK.test(u) || DB_DRIVER.test(u))).toEqual([]);
    expect(phoneMetadata).toBe(false);
  });

  it('check --offline loads no SDK: the providers are imported only by a check that asks a service', async () => {
    const { urls } = await loadedModules(['check', '--all', '--offline', '--config', DEMO], 'offline');
    expect(urls.filter((u) => /node_modules\/(stripe|twilio|nodemailer)\//.test(u))).toEqual([]);
    expect(urls.some((u) => /chunks\/(stripe|twilio)-/.test(u))).toBe(false);
    // No send history in the demo (no outbox database): delivery.last-attempt needs no driver.
    expect(urls.filter((u) => DB_DRIVER.test(u))).toEqual([]);
  });

  it('check on valid data loads no `yaml` (positions are parsed only to report a problem); broken data does', async () => {
    const valid = await loadedModules(['check', 'INV-1001', '--offline', '--config', DEMO], 'valid-data');
    expect(valid.urls.some((u) => u.includes('/node_modules/libphonenumber-js/'))).toBe(true); // CommonJS loads are seen
    expect(valid.urls.filter((u) => u.includes('/node_modules/yaml/'))).toEqual([]);
    const broken = path.join(tmp, 'broken.yaml');
    await writeFile(broken, 'version: 1\naccounts: [\n');
    const r = await runCliProcess(['check', 'INV-1', '--config', broken], { traceImports: path.join(tmp, 'broken.txt') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:3:1: the file is not valid YAML/);
    expect((await readFile(path.join(tmp, 'broken.txt'), 'utf8')).includes('/node_modules/yaml/')).toBe(true);
  });

  it('check loads the phone metadata only when a phone number must be checked', async () => {
    expect((await loadedModules(['check', 'INV-1001', '--offline', '--channel', 'email', '--config', DEMO], 'email-only')).phoneMetadata).toBe(false);
    expect((await loadedModules(['check', 'INV-1001', '--offline', '--channel', 'sms', '--config', DEMO], 'sms')).phoneMetadata).toBe(true);
  });
});

describe('checks and explain', () => {
  it('checks lists the catalogue, plugins included; --json too', async () => {
    const human = await runCli(['checks', '--config', DEMO]);
    expect(human.code).toBe(0);
    for (const id of ['invoice.status', 'invoice.balance', 'recipient.email', 'recipient.phone', 'message.email', 'message.sms', 'custom.po-number']) expect(human.stdout).toContain(id);
    expect(human.stdout).toContain('servinix/invoice-not-sending#2');
    const json = JSON.parse((await runCli(['checks', '--json', '--config', DEMO])).stdout);
    const status = json.checks.find((c: { id: string }) => c.id === 'invoice.status');
    expect(status).toMatchObject({ title: 'Invoice is validated', category: 'invoice', channels: ['email', 'sms'], scope: 'invoice', plugin: null });
    expect(status.codes.map((c: { code: string }) => c.code)).toEqual(['INVOICE_DRAFT', 'INVOICE_VOID', 'INVOICE_PAID']);
    expect(json.checks.find((c: { id: string }) => c.id === 'custom.po-number').plugin).toContain('po-number.js');
  });

  it('checks works without any configuration (built-ins only)', async () => {
    const r = await runCli(['checks', '--json'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).checks).toHaveLength(13);
  });

  it('explain <check-id> shows what it verifies, the article step and every code with remediation', async () => {
    const r = await runCli(['explain', 'recipient.phone'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('recipient.phone — Recipient mobile number');
    expect(r.stdout).toContain('Mirrors: Servinix help centre, "Invoice not sending" — Try this first, step 2');
    for (const code of ['PHONE_MISSING', 'PHONE_INVALID', 'PHONE_NOT_MOBILE']) expect(r.stdout).toContain(code);
    expect(r.stdout).toContain('Fix:');
  });

  it('checks tags every check that asks a service as network, in the list and in --json', async () => {
    // These ask Stripe, the mail server, Twilio or DNS online; the ones that run offline still decide what needs no service.
    const network = ['recipient.email', 'stripe.credentials', 'stripe.onboarding', 'email.transport', 'sms.account', 'sms.sender', 'sms.a2p', 'delivery.last-attempt'];
    const human = await runCli(['checks'], { cwd: tmp });
    expect(human.code).toBe(0);
    const lines = human.stdout.split('\n');
    for (const id of network) {
      const tags = lines[lines.findIndex((l) => l.startsWith(`${id} `)) + 1] ?? '';
      expect(tags, id).toMatch(/· network$/);
    }
    const json = JSON.parse((await runCli(['checks', '--json'], { cwd: tmp })).stdout) as { checks: Array<{ id: string; needsNetwork: boolean }> };
    expect(json.checks.filter((c) => c.needsNetwork).map((c) => c.id).sort()).toEqual([...network].sort());
  });

  it('explain message.email and message.sms show the default templates the renderer uses', async () => {
    const email = await runCli(['explain', 'message.email'], { cwd: tmp });
    expect(email.code).toBe(0);
    expect(email.stdout).toContain('Default templates');
    expect(email.stdout).toContain(`│ ${DEFAULT_TEMPLATES.email_subject}`);
    for (const text of [DEFAULT_TEMPLATES.email_text_with_link, DEFAULT_TEMPLATES.email_text_without_link]) {
      expect(email.stdout).toContain(text.split('\n').map((l) => `    │ ${l}`.trimEnd()).join('\n'));
    }
    expect(email.stdout).toMatch(/email_html \(always\): the email_text in use, its values HTML-escaped/);
    const sms = JSON.parse((await runCli(['explain', 'message.sms', '--json'], { cwd: tmp })).stdout);
    expect(sms.check.defaultTemplates.map((d: { text: string }) => d.text)).toEqual([DEFAULT_TEMPLATES.sms_with_link, DEFAULT_TEMPLATES.sms_without_link]);
  });

  it('explain <CODE> shows the cause and steps, with the team\'s override when configured', async () => {
    const builtIn = await runCli(['explain', 'invoice_draft'], { cwd: tmp });
    expect(builtIn.code).toBe(0);
    expect(builtIn.stdout).toContain('INVOICE_DRAFT');
    expect(builtIn.stdout).toContain('returned by invoice.status');
    expect(builtIn.stdout).toContain('Mark as validated');
    const overridden = await runCli(['explain', 'PHONE_NOT_MOBILE', '--config', DEMO]);
    expect(overridden.stdout).toContain('(wording from your remediation file)');
    expect(overridden.stdout).toContain('Save it in the customer record under "Mobile"');
    expect(overridden.stdout).toContain('https://help.acmeplumbing.com/billing/sms-needs-a-mobile-number');
    // And the report uses the same override.
    const report = JSON.parse((await runCli(['check', 'INV-1007', '--offline', '--json', '--config', DEMO])).stdout);
    const phone = report.results[0].checks.find((c: { id: string }) => c.id === 'recipient.phone');
    expect(phone.remediation[1]).toContain('under "Mobile"');
  });

  it('explain of an unknown name: exit 2 with a suggestion', async () => {
    const r = await runCli(['explain', 'INVOICE_DRAFTT'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean "INVOICE_DRAFT"?');
  });
});
