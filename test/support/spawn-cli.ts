/**
 * The built CLI as a child process the test holds on to: unlike runCli (which maps a death by signal to
 * code 1), this reports the signal, and hands out the ChildProcess so a test can kill it at a chosen
 * moment (from inside a peer's interception hook, say) and wait until it is really gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, ROOT } from './cli.js';

export interface CliExit {
  /** null when the process died by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** resolves once the process has exited and its output is closed */
  exited: Promise<CliExit>;
  /** SIGKILL, then resolves once the process is gone (safe to call more than once) */
  kill(): Promise<CliExit>;
}

export function spawnCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): CliProcess {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of ['FORCE_COLOR', 'NO_COLOR', 'STRIPE_SECRET_KEY', 'INVOICE_DOCTOR_CONFIG', 'GITHUB_ACTIONS', 'INVOICE_DOCTOR_FAILPOINTS']) delete env[key];
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => stdout.push(c));
  child.stderr!.on('data', (c: Buffer) => stderr.push(c));
  const exited = new Promise<CliExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
  return {
    child,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
