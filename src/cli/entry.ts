import { installOutputBoundary } from '../io/sink.js';
import { redactor } from '../config/redact.js';
import { main } from './main.js';

/** What one run of the CLI sees as its process: each part left out is the real process's. */
export interface CliIo {
  /** the run's whole environment (it replaces process.env's contents for the run) */
  env?: Record<string, string | undefined>;
  /** the working directory (relative paths, ./invoice-doctor.yaml) */
  cwd?: string;
  /** standard output and error; their isTTY and columns are what the commands see */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the CLI once, as `invoice-doctor <args>`, and resolves with its exit code. The process entry
 * (bin.ts) calls it with the real process; the tests call it in-process with their own streams,
 * environment and folder. The commands read those from `process` (process.stdout, process.env,
 * process.cwd()), so for the run they are put in place there, and everything a run leaves in the process
 * is undone afterwards: the exit code, the environment, the folder, the streams, signal handlers left
 * installed, and the secrets registered with the redactor (each run starts with none). Runs are
 * therefore one at a time: a run started while another is under way waits for it.
 *
 * What an in-process run cannot do is what needs a process of its own: a real terminal, signals, a
 * SIGKILL failpoint, a hang guarded by a kill, the modules loaded at start-up. Those tests spawn bin/.
 */
export function runCli(args: readonly string[], io: CliIo = {}): Promise<number> {
  const run = queue.then(() => runAlone(args, io));
  queue = run.catch(() => undefined);
  return run;
}

type StreamName = 'stdout' | 'stderr' | 'stdin';

async function runAlone(args: readonly string[], io: CliIo): Promise<number> {
  const exitCode = process.exitCode;
  const env = { ...process.env };
  const cwd = process.cwd();
  const streams = new Map<StreamName, PropertyDescriptor | undefined>();
  const listeners = new Map(STOP_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  try {
    process.exitCode = undefined;
    if (io.env) replaceEnv(io.env);
    if (io.cwd) process.chdir(io.cwd);
    for (const name of ['stdout', 'stderr', 'stdin'] as const) {
      const stream = io[name];
      if (!stream) continue;
      streams.set(name, Object.getOwnPropertyDescriptor(process, name));
      Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
    }
    redactor.reset();
    installOutputBoundary();
    const code = await main(args);
    // What is queued on the streams goes out before the run counts as finished.
    await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
    return code;
  } finally {
    for (const [name, descriptor] of streams) {
      if (descriptor) Object.defineProperty(process, name, descriptor);
    }
    for (const [signal, before] of listeners) {
      for (const listener of process.listeners(signal)) if (!before.includes(listener)) process.off(signal, listener);
    }
    if (process.cwd() !== cwd) process.chdir(cwd);
    if (io.env) replaceEnv(env);
    process.exitCode = exitCode;
  }
}

/** In place, so code holding the process.env object sees the run's values. */
function replaceEnv(values: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) if (!(key in values)) delete process.env[key];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
