import { defineConfig } from 'vitest/config';

/**
 * The tiers (docs/development.md): each runs alone (`npm run test:unit`, `test:peers`, `test:process`,
 * `test:crash`, or `npx vitest run --project <tier>`), and `npm test` runs them all.
 *
 *  - unit: modules and the CLI in-process (test/support/cli.ts's runCli runs src/ directly), no peer.
 *  - peers: the CLI in-process and the providers against the local peers (real SMTP, DNS, HTTP fakes of
 *    Stripe and Twilio). Every test file that no other tier lists lands here.
 *  - process: what needs the CLI as a process of its own (the built bin/ and dist/, rebuilt by the global
 *    setup when a source is newer): a terminal, signals, start-up imports, hangs guarded by a kill, exit.
 *  - crash: SIGKILL failpoints and several processes at once (crash safety, concurrency).
 */
const PROCESS = [
  'test/cli/bad-input.test.ts',
  'test/cli/catalogue.test.ts',
  'test/cli/check.test.ts',
  'test/cli/formats.test.ts',
  'test/cli/progress-tty.test.ts',
  'test/review/output-special-file.test.ts',
  'test/send/send-cli.test.ts',
  'test/send/signals.test.ts',
];
const CRASH = [
  'test/send/crash-safety.test.ts',
  'test/send/batch-send.test.ts',
  'test/send/settle.test.ts',
  'test/review/settle-overrides-provider.test.ts',
  'test/send/damaged-journal.test.ts',
  'test/store/postgres-hosts.test.ts',
];
/** One real PostgreSQL server per tier that needs it (the outbox's shared store); each test file makes its own database. */
const POSTGRES = 'test/support/postgres.ts';
const UNIT = ['test/unit/**/*.test.ts', 'test/docs/**/*.test.ts'];
const ALL = ['test/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Child processes, not worker threads: an in-process CLI run changes the working directory, which a
    // worker thread cannot. The unit and peers tiers reuse a worker and its loaded modules from one file to
    // the next (isolate: false; each file starts and closes its own peers, and each CLI run restores what it
    // changed): that halves their CPU. The process and crash tiers keep a fresh worker per file.
    pool: 'forks',
    // Most of the suite waits (on peers' delays and timeouts, on child processes), so more files than cores
    // run at once: three on the 2-core machine (vitest's default there is one). `--maxWorkers N` overrides.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, exclude: [...PROCESS, ...CRASH], isolate: false } },
      { extends: true, test: { name: 'peers', include: ALL, exclude: [...UNIT, ...PROCESS, ...CRASH], isolate: false, globalSetup: [POSTGRES] } },
      // A test of these spawns one CLI process after another, each loading Node and the SDKs: on a loaded
      // machine that takes longer than the default timeout, which is a guard against hangs, not a measure.
      { extends: true, test: { name: 'process', include: PROCESS, globalSetup: ['test/support/build-bin.ts'], testTimeout: 60_000 } },
      { extends: true, test: { name: 'crash', include: CRASH, globalSetup: ['test/support/build-bin.ts', POSTGRES], testTimeout: 60_000 } },
    ],
  },
});
