import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/invoice-doctor.js');
export const DEMO = path.join(ROOT, 'fixtures/demo/invoice-doctor.yaml');
/**
 * The demo's Stripe accounts read their key from STRIPE_SECRET_KEY, and an unset key is a failure even
 * offline. Offline the key is only checked for its form, never sent: a placeholder test key, as the
 * README's quick start exports it, lets the demo's ready invoices be ready.
 */
export const DEMO_ENV = { STRIPE_SECRET_KEY: 'sk_test_offline_demo_key' };
const TRACER = path.join(ROOT, 'test/support/trace-imports.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would: a separate process, no TTY, a clean environment. */
/** `killAfterMs`: for tests of inputs that used to hang, so a regression fails without leaving a process behind. */
export function runCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; traceImports?: string; killAfterMs?: number } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of ['FORCE_COLOR', 'NO_COLOR', 'STRIPE_SECRET_KEY', 'INVOICE_DOCTOR_CONFIG', 'GITHUB_ACTIONS']) delete env[key];
  Object.assign(env, options.env);
  if (options.traceImports) env.TRACE_IMPORTS_FILE = options.traceImports;
  const nodeArgs = options.traceImports ? ['--import', TRACER, BIN, ...args] : [BIN, ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, nodeArgs, { cwd: options.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, maxBuffer: 64 * 1024 * 1024, ...(options.killAfterMs ? { timeout: options.killAfterMs, killSignal: 'SIGKILL' as const } : {}) }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// eslint-disable-next-line no-control-regex -- matches the ANSI escape (ESC) in colour output
export const ANSI = /\u001b\[[0-9;]*m/;
