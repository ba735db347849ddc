/**
 * The layer rules of eslint.config.js, exercised through ESLint itself on source text placed (by file path)
 * in each folder. `npm run lint` being green proves the code keeps the arrows only while the rules still
 * fire: a typo in one of their regular expressions would silently allow everything. These cases pin each
 * rule, and what it must keep allowing.
 */
import { describe, expect, test } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The messages of the layer rules for `code` as if it were the file `file` (relative to the repository). */
async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` });
  const layerRules = new Set(['no-restricted-imports', 'no-restricted-syntax', 'no-console']);
  return result!.messages.filter((m) => m.ruleId === null || layerRules.has(m.ruleId)).map((m) => `${m.line}: ${m.ruleId} ${m.message}`);
}

describe('layer rules', () => {
  test('checks import only the public API, their own folder and Node built-ins', async () => {
    const problems = await layerProblems('checks/probe.ts', [
      "import { defineCheck } from '../src/index.js';",
      "import { readFileSync } from 'node:fs';",
      "import { twilioUnavailable } from './twilio-common.js';",
      "import { parsePhone } from '../src/data/phone.js';",
      "import Stripe from 'stripe';",
      "export { SAMPLE_PAYMENT_LINK } from '../src/engine/facts.js';",
      "export const lazy = [defineCheck, readFileSync, twilioUnavailable, parsePhone, Stripe, () => import('../src/send/delivery.js')];",
    ].join('\n'));
    expect(problems).toEqual([
      expect.stringMatching(/^4: no-restricted-imports .*public API/),
      expect.stringMatching(/^5: no-restricted-imports .*no package/),
      expect.stringMatching(/^6: no-restricted-imports .*public API/),
      expect.stringMatching(/^7: no-restricted-syntax .*public API/),
    ]);
  });

  test('providers import no engine, report, send or cli module, load SDKs lazily, and never print', async () => {
    const problems = await layerProblems('src/providers/probe.ts', [
      "import type Stripe from 'stripe';",
      "import { safeText } from '../io/sink.js';",
      "import { memo } from '../engine/facts.js';",
      "import { foldHistory } from '../send/history.js';",
      "import Twilio from 'twilio';",
      "import { stdout } from 'node:process';",
      'export async function f(): Promise<unknown> {',
      "  console.log('x');",
      "  process.stderr.write('x');",
      "  await import('../report/human.js');",
      "  return [await import('stripe'), safeText, memo, foldHistory, Twilio, stdout] as unknown as Stripe;",
      '}',
    ].join('\n'));
    expect(problems).toEqual([
      expect.stringMatching(/^3: no-restricted-imports .*Providers import no engine/),
      expect.stringMatching(/^4: no-restricted-imports .*Providers import no engine/),
      expect.stringMatching(/^5: no-restricted-imports .*lazily/),
      expect.stringMatching(/^6: no-restricted-imports .*never print/),
      expect.stringMatching(/^8: no-console /),
      expect.stringMatching(/^9: no-restricted-syntax .*never print/),
      expect.stringMatching(/^10: no-restricted-syntax .*Providers import no engine/),
    ]);
  });

  test('the engine imports no report or cli module, asks providers instead of SDKs, and never prints', async () => {
    const problems = await layerProblems('src/engine/probe.ts', [
      "import { foldHistory } from '../send/history.js';",
      "import { parseStripeKey } from '../providers/stripe-key.js';",
      "import { renderHuman } from '../report/human.js';",
      "import { main } from '../cli/main.js';",
      'export async function g(): Promise<unknown> {',
      "  console.error('x');",
      "  process.stdout.write('y');",
      "  return [foldHistory, parseStripeKey, renderHuman, main, await import('twilio')];",
      '}',
    ].join('\n'));
    expect(problems).toEqual([
      expect.stringMatching(/^3: no-restricted-imports .*src\/report renders/),
      expect.stringMatching(/^4: no-restricted-imports .*Nothing imports src\/cli/),
      expect.stringMatching(/^6: no-console /),
      expect.stringMatching(/^7: no-restricted-syntax .*never print/),
      expect.stringMatching(/^8: no-restricted-syntax .*Only src\/providers/),
    ]);
  });

  test('the use cases (src/app) are called by src/cli only, drive the layers below, and never print or exit', async () => {
    const problems = await layerProblems('src/app/probe.ts', [
      "import { runChecks } from '../engine/runner.js';",
      "import { readHistory } from '../send/read-history.js';",
      "import { renderJson } from '../report/json.js';",
      "import { main } from '../cli/main.js';",
      'export function h(): unknown {',
      "  process.stdout.write('x');",
      '  process.exit(1);',
      '  process.exitCode = 2;',
      '  return [runChecks, readHistory, renderJson, main];',
      '}',
    ].join('\n'));
    expect(problems).toEqual([
      expect.stringMatching(/^4: no-restricted-imports .*Nothing imports src\/cli/),
      expect.stringMatching(/^6: no-restricted-syntax .*never print/),
      expect.stringMatching(/^7: no-restricted-syntax .*never ends the process/),
      expect.stringMatching(/^8: no-restricted-syntax .*never sets the exit code/),
    ]);
    expect(await layerProblems('src/cli/probe.ts', "export { runCheck } from '../app/check.js';")).toEqual([]);
    for (const below of ['src/engine', 'src/send', 'src/report', 'src/providers', 'src/data']) {
      expect(await layerProblems(`${below}/probe.ts`, "export { EXIT } from '../app/exit-codes.js';"), below).toEqual([expect.stringMatching(/Nothing below the use cases imports src\/app/)]);
    }
  });

  test('nothing imports src/cli but bin/ and src/cli itself', async () => {
    expect(await layerProblems('src/probe.ts', "export { x } from './cli/send.js';")).toEqual([expect.stringMatching(/Nothing imports src\/cli/)]);
    expect(await layerProblems('src/data/probe.ts', "export { x } from '../cli/send.js';")).toEqual([expect.stringMatching(/Nothing imports src\/cli/)]);
    expect(await layerProblems('test/probe.test.ts', "export const m = () => import('../src/cli/main.js');")).toEqual([expect.stringMatching(/Nothing imports src\/cli/)]);
    expect(await layerProblems('bench/probe.mjs', "export { x } from '../src/cli/send.js';")).toEqual([expect.stringMatching(/Nothing imports src\/cli/)]);
    expect(await layerProblems('src/cli/probe.ts', "export { x } from './send.js';\nexport { y } from '../cli/check.js';")).toEqual([]);
    // A test's own folder named cli is not src/cli.
    expect(await layerProblems('test/send/probe.test.ts', "export { x } from '../cli/helpers.js';")).toEqual([]);
    // The one seam: test/support/cli.ts runs the CLI in-process through src/cli/entry.ts, and reaches nothing else.
    expect(await layerProblems('test/support/cli.ts', "export const m = () => import('../../src/cli/entry.js');")).toEqual([]);
    expect(await layerProblems('test/support/cli.ts', "export { x } from '../../src/cli/send.js';")).toEqual([expect.stringMatching(/Only the in-process entry/)]);
  });
});
