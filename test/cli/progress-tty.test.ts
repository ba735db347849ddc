// The progress line of `check --all`, on a real pseudo-terminal (util-linux `script`): it is drawn on
// the terminal while the batch runs, counts up to the total with the failures so far and an ETA, and
// is cleared at the end; with stderr piped, or in CI, it is not drawn at all.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';

const COUNT = 60;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'invoice-doctor-progress-'));
  await mkdir(path.join(dir, 'invoices'));
  await writeFile(path.join(dir, 'invoice-doctor.yaml'), [
    'version: 1',
    'data: { invoices: ./invoices }',
    'plugins: [./slow-check.mjs]',
    'accounts:',
    '  shop: { name: Shop, country: US, channels: [email], email: { from: "Shop <billing@shop.example>", transport: file, file: { dir: ./outbox } } }',
    '',
  ].join('\n'));
  // A check that takes 20 ms per invoice, so the batch lasts long enough for the spinner to redraw;
  // every fifth invoice fails it. A plain object: defineCheck only validates.
  await writeFile(path.join(dir, 'slow-check.mjs'), `export default {
  id: 'custom.slow', title: 'Slow check', description: 'Takes a while.', category: 'custom', channels: ['email'], scope: 'invoice',
  codes: { SLOW_FAIL: { severity: 'fail', summary: 'fails on purpose', remediation: { cause: 'Test.', steps: ['None.'] } } },
  async run(ctx) {
    await new Promise((r) => setTimeout(r, 20));
    return Number(ctx.invoice.id.slice(2)) % 5 === 0 ? ctx.fail('SLOW_FAIL', 'Fails on purpose.') : ctx.pass('Fine.');
  },
};
`);
  for (let i = 0; i < COUNT; i++) {
    const id = `P-${String(i).padStart(3, '0')}`;
    await writeFile(path.join(dir, 'invoices', `${id}.yaml`), `id: ${id}\naccount: shop\nstatus: validated\ncurrency: USD\ncustomer: { name: Dana, email: dana@northwindtraders.com }\ndue_on: 2026-12-01\nlines:\n  - { description: Service, unit_amount: 1000 }\n`);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a command on a pseudo-terminal (100 columns, unless `sized` is false); returns everything the terminal received. */
function onTerminal(args: string[], env: Record<string, string> = {}, sized = true): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((resolve) => {
    // `timeout -s KILL`: a CLI spinning on the terminal must not outlive the test (SIGTERM to script does not reach it).
    const child = spawn('script', ['-qec', `${sized ? 'stty cols 100 rows 40; ' : ''}timeout --foreground -s KILL 20 ${command}`, '/dev/null'], { env: { ...process.env, CI: '', NO_COLOR: '1', TERM: 'xterm', ...env } });
    let screen = '';
    child.stdout.on('data', (d) => (screen += d));
    child.on('exit', (code) => resolve({ code, screen }));
  });
}

describe('the progress line of check --all', () => {
  it('on a terminal: counts up with the failures so far and an ETA, then is cleared', async () => {
    const { code, screen } = await onTerminal(['check', '--all', '--offline', '--config', path.join(dir, 'invoice-doctor.yaml')]);
    expect(code).toBe(1);
    const frames = [...screen.matchAll(/Checked (\d+)\/(\d+) · (\d+) not ready(?: · ETA (\d+) s)?/g)];
    expect(frames.length, screen.slice(0, 2000)).toBeGreaterThan(3);
    for (const f of frames) expect(Number(f[2])).toBe(COUNT);
    const done = frames.map((f) => Number(f[1]));
    expect(done).toEqual([...done].sort((a, b) => a - b)); // never goes backwards
    expect(frames.some((f) => f[4] !== undefined)).toBe(true);
    expect(Math.max(...frames.map((f) => Number(f[3])))).toBeLessThanOrEqual(COUNT / 5);
    // Results were printed in full, and the summary after the line was cleared.
    expect(screen).toContain(`Checked ${COUNT} invoices: ${COUNT - COUNT / 5} ready, ${COUNT / 5} not ready.`);
    expect((screen.match(/Fails on purpose\./g) ?? []).length).toBe(COUNT / 5);
  });

  it('not drawn on a terminal of unknown width (ora would count its lines forever); the report is complete', async () => {
    const { code, screen } = await onTerminal(['check', '--all', '--offline', '--config', path.join(dir, 'invoice-doctor.yaml')], {}, false);
    expect(code).toBe(1);
    expect(screen).not.toMatch(/Checked \d+\/\d+/);
    expect(screen).toContain(`Checked ${COUNT} invoices: ${COUNT - COUNT / 5} ready, ${COUNT / 5} not ready.`);
  });

  it('not drawn in CI, nor when stderr is not a terminal', async () => {
    const ci = await onTerminal(['check', '--all', '--offline', '--config', path.join(dir, 'invoice-doctor.yaml')], { CI: 'true' });
    expect(ci.screen).not.toMatch(/Checked \d+\/\d+/);
    const piped = await new Promise<string>((resolve) => {
      execFile(process.execPath, [BIN, 'check', '--all', '--offline', '--config', path.join(dir, 'invoice-doctor.yaml')], { env: { ...process.env, CI: '' } }, (_e, _out, stderr) => resolve(stderr));
    });
    expect(piped).toBe('');
  });
});
