import { execFile } from 'node:child_process';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
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

/** The variables a test's environment never inherits from the one running the tests. */
const SCRUBBED = ['FORCE_COLOR', 'NO_COLOR', 'STRIPE_SECRET_KEY', 'INVOICE_DOCTOR_CONFIG', 'GITHUB_ACTIONS', 'INVOICE_DOCTOR_FAILPOINTS'];
/** The environment the tests started with (an in-process run replaces process.env's contents while it runs). */
const BASE_ENV: Record<string, string | undefined> = { ...process.env };

function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env = { ...BASE_ENV };
  for (const key of SCRUBBED) delete env[key];
  return Object.assign(env, extra);
}

/** A stream that keeps what is written to it: not a terminal, like a pipe. */
function collector(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, encoding, callback) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** what standard input holds (default: nothing; never a terminal) */
  stdin?: string;
}

/**
 * Runs the CLI in-process against the TypeScript sources (src/cli/entry.ts, the same function the process
 * runs), with a clean environment, no TTY, standard input empty and closed: edit src/ and re-run a test,
 * no build needed. Runs are one at a time (runs started together queue). For what needs a process of its
 * own (a terminal, signals, failpoints, a guard against hangs, start-up imports), use runCliProcess or
 * spawnCli (spawn-cli.ts): they run the built bin/ and dist/.
 */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  if (options.env?.INVOICE_DOCTOR_FAILPOINTS) throw new Error('A failpoint kills the process it runs in: use spawnCli (test/support/spawn-cli.ts).');
  const { runCli: run } = await import('../../src/cli/entry.js');
  const stdout = collector();
  const stderr = collector();
  const code = await run(args, { env: cliEnv(options.env), cwd: options.cwd ?? ROOT, stdout: stdout.stream, stderr: stderr.stream, stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/**
 * Runs the built CLI as a user would: a separate process (bin/, dist/: `npm run build`, which the process
 * tier's global setup does), no TTY, a clean environment. `traceImports`: records the modules the
 * process loads. `killAfterMs`: for tests of inputs that used to hang, so a regression fails without
 * leaving a process behind. A death by signal is code 1 (spawnCli reports the signal).
 */
export function runCliProcess(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; traceImports?: string; killAfterMs?: number } = {}): Promise<CliResult> {
  const env = cliEnv(options.env);
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
