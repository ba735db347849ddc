import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BUILTIN_CHECKS } from '../../../checks/index.js';
import { Registry } from '../../../src/engine/registry.js';
import { RemediationCatalog } from '../../../src/remediation/catalog.js';
import { loadOverrides } from '../../../src/remediation/overrides.js';
import { builtinRemediation as REMEDIATION } from '../../helpers/factories.js';
import { inputError, tempWorkspace, yaml, type TempWorkspace } from './tmp-workspace.js';

let ws: TempWorkspace;
let registry: Registry;
let file: string;
let shown: string;

beforeEach(async () => {
  ws = await tempWorkspace();
  registry = new Registry(BUILTIN_CHECKS.map((check) => ({ check })));
  file = ws.path('help-centre.yaml');
  shown = ws.shown('help-centre.yaml');
});
afterEach(async () => {
  await ws.remove();
});

async function overridesError(text: string) {
  await ws.write('help-centre.yaml', text);
  return inputError(() => loadOverrides(file, registry));
}

describe('loadOverrides: valid files', () => {
  test('an override replaces only the fields it sets; the rest comes from the built-in entry', async () => {
    await ws.write('help-centre.yaml', yaml(
      '# our help-centre wording',
      'INVOICE_DRAFT:',
      '  cause: Our own explanation of drafts.',
      'EMAIL_MISSING:',
      '  steps:',
      '    - Ask the customer for an address.',
      '    - Save it on the customer.',
      '  docs: https://help.acme.example/email-missing',
    ));
    const overrides = await loadOverrides(file, registry);
    expect(overrides).toEqual({
      INVOICE_DRAFT: { cause: 'Our own explanation of drafts.' },
      EMAIL_MISSING: { steps: ['Ask the customer for an address.', 'Save it on the customer.'], docs: 'https://help.acme.example/email-missing' },
    });

    const catalog = new RemediationCatalog(registry, overrides);
    expect(catalog.lookup('INVOICE_DRAFT')).toEqual({
      cause: 'Our own explanation of drafts.',
      steps: REMEDIATION.INVOICE_DRAFT!.steps,
      docs: REMEDIATION.INVOICE_DRAFT!.docs,
    });
    expect(catalog.lookup('EMAIL_MISSING')).toEqual({
      cause: REMEDIATION.EMAIL_MISSING!.cause,
      steps: ['Ask the customer for an address.', 'Save it on the customer.'],
      docs: 'https://help.acme.example/email-missing',
    });
    expect(catalog.isOverridden('INVOICE_DRAFT')).toBe(true);
    expect(catalog.isOverridden('INVOICE_VOID')).toBe(false);
    expect(catalog.lookup('INVOICE_VOID')).toEqual({ ...REMEDIATION.INVOICE_VOID, docs: REMEDIATION.INVOICE_VOID!.docs });
    expect(catalog.lookup('NO_SUCH_CODE')).toBeUndefined();
  });

  test('an empty file means no overrides', async () => {
    await ws.write('help-centre.yaml', '# nothing yet\n');
    await expect(loadOverrides(file, registry)).resolves.toEqual({});
  });
});

describe('loadOverrides: bad files', () => {
  test('an unknown code is REMEDIATION_INVALID located at the key, with a did-you-mean', async () => {
    const err = await overridesError(yaml(
      'INVOICE_DRAFT:',
      '  cause: fine',
      'INVOICE_DRAF:',
      '  cause: typo in the code',
    ));
    expect(err.code).toBe('REMEDIATION_INVALID');
    expect(err.issues).toEqual([{ path: 'INVOICE_DRAF', file: shown, line: 3, column: 1, message: 'unknown code' }]);
    expect(err.message).toBe(`${shown}:3:1: "INVOICE_DRAF" is not a code any check returns. Did you mean "INVOICE_DRAFT"?`);
    expect(err.hint).toContain('invoice-doctor checks --json');
  });

  test('steps written as a string instead of a list names the field and the value', async () => {
    const err = await overridesError(yaml('PHONE_NOT_MOBILE:', '  steps: Call the customer'));
    expect(err.code).toBe('REMEDIATION_INVALID');
    expect(err.issues).toEqual([{ path: 'PHONE_NOT_MOBILE.steps', file: shown, line: 2, column: 10, message: 'is "Call the customer"; expected array' }]);
    expect(err.message).toBe(`${shown}:2:10: PHONE_NOT_MOBILE.steps is "Call the customer"; expected array`);
    expect(err.hint).toContain('steps: ["…", "…"]');
  });

  test('an unknown field in an entry suggests the right one', async () => {
    const err = await overridesError(yaml('INVOICE_PAID:', '  step: [Check the payment]'));
    expect(err.issues).toEqual([{ path: 'INVOICE_PAID.step', file: shown, line: 2, column: 3, message: 'unknown key "step". Did you mean "steps"?' }]);
  });

  test('an empty step is located at the list item', async () => {
    const err = await overridesError(yaml('INVOICE_PAID:', '  steps:', '    - Check the payment', '    - ""'));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ path: 'INVOICE_PAID.steps[1]', file: shown, line: 4, column: 7 });
  });

  test('a file that is a list, not a mapping of codes', async () => {
    const err = await overridesError(yaml('- INVOICE_DRAFT'));
    expect(err.code).toBe('REMEDIATION_INVALID');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ file: shown, line: 1, column: 1 });
    expect(err.message).toContain(shown);
  });

  test('a YAML syntax error is REMEDIATION_INVALID with its line and column', async () => {
    const err = await overridesError(yaml('INVOICE_DRAFT:', '  cause: fine', ' steps: [a]'));
    expect(err.code).toBe('REMEDIATION_INVALID');
    expect(err.issues[0]).toMatchObject({ file: shown, line: 3, column: 1, path: '' });
    expect(err.message).toContain(`${shown}:3:1:`);
  });

  test('a missing file is REMEDIATION_INVALID saying it does not exist', async () => {
    const err = await inputError(() => loadOverrides(ws.path('missing.yaml'), registry));
    expect(err.code).toBe('REMEDIATION_INVALID');
    expect(err.message).toBe(`Cannot read the remediation file ${ws.shown('missing.yaml')} (the "remediation" key of the configuration): it does not exist.`);
    expect(err.hint).toContain('relative to the configuration file');
  });
});
