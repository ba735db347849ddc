// ESLint 9 flat config: code quality (typescript-eslint, not type-aware: `tsc -p tsconfig.json` already
// type-checks everything, and type-aware linting would double that on a 2-core machine) and the layers.
//
// The layers (ARCHITECTURE.md): cli → app (the use cases) → config + data → engine (runs the
// checks, which ask providers for facts) → report; send/store are driven by app. The arrows are written
// below as no-restricted-imports (static `import`/`export … from`) plus no-restricted-syntax (dynamic
// `import()`, which engine and providers use to load lazily), per folder. Plain ESLint core rules rather
// than dependency-cruiser (its current major needs Node ≥ 22; we support Node 20) or an import plugin
// (which needs a TypeScript resolver): the specifiers here are all relative and written `.js`, so matching
// the specifier text is exact enough, and one tool runs one pass.
//
// ESLint merges nothing within a rule: a later block's `no-restricted-imports` replaces an earlier one for
// the files it matches. So each folder's block below states its full set of restrictions, built from the
// shared pieces.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { defineConfig } from 'eslint/config';

/** A specifier into `src/<dir>/` written from a file inside src/ (`../engine/x.js`, `./cli/main.js`). */
const fromSrc = (dir) => `^(\\./|(\\.\\./)+)${dir}/`;
/** The same from outside src/ (tests, checks, bench, scripts: `../../src/cli/x.js`). */
const fromOutside = (dir) => `(^|/)src/${dir}/`;

/** A restriction: the import patterns (regex on the specifier) and why, applied to static and dynamic imports. */
const rule = (regex, message) => ({ regex, message });

// Nothing imports the command line: it is the outermost layer (commands, option parsing, process exit
// codes), so depending on it would turn the arrows around. Only bin/ (the shim) and src/cli itself may.
const NO_CLI_IN_SRC = rule(fromSrc('cli'), 'Nothing imports src/cli: it is the outermost layer (only bin/ and src/cli itself may).');
const NO_CLI_OUTSIDE = rule(fromOutside('cli'), 'Nothing imports src/cli: test the commands through test/support/cli.ts (runCli, or runCliProcess for the built CLI), not their modules.');

// The use cases (src/app) sit between the commands and everything else: the cli calls them, they drive
// config, data, engine, send, store and report. Nothing below them imports them (only src/cli may).
const NO_APP_IN_SRC = rule(fromSrc('app'), 'Nothing below the use cases imports src/app: only src/cli calls them (engine, send, report … return values up).');

// The official SDKs are loaded only by providers (the only code that talks to the outside), and only
// lazily (`await import(…)`), so `--help`, offline runs and a check that needs no service never load them.
const SDK = rule('^(stripe|twilio|nodemailer)(/|$)', 'Only src/providers talks to Stripe, Twilio and SMTP: ask a provider (or, in a check, a fact).');

/**
 * The restrictions as the two rules that enforce them: static imports, and dynamic `import()` with a
 * literal specifier (unless the restriction is `dynamic: false`).
 */
function restrict(list, { paths = [], extraSyntax = [] } = {}) {
  return {
    'no-restricted-imports': ['error', {
      paths,
      patterns: list.map(({ regex, message, allowTypeImports }) => ({ regex, message, ...(allowTypeImports ? { allowTypeImports } : {}) })),
    }],
    'no-restricted-syntax': ['error',
      ...list.filter((r) => r.dynamic !== false).map(({ regex, message }) => ({ selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`, message })),
      ...extraSyntax,
    ],
  };
}

// Providers and the engine never print: what they learn goes back as values (facts, faults, results) and
// the cli/report layer decides what a person sees, in which format (human, JSON, NDJSON, JUnit) and on
// which stream. A stray write would corrupt --json/NDJSON output on stdout and ignore --quiet.
const NO_PRINT_SYNTAX = [
  { selector: "MemberExpression[object.name='process'][property.name=/^(stdout|stderr)$/]", message: 'Providers, the engine and the use cases never print: return the information; src/cli writes it.' },
];
const NO_PRINT_PATHS = [
  { name: 'node:process', importNames: ['stdout', 'stderr'], message: 'Providers and the engine never print.' },
  { name: 'process', importNames: ['stdout', 'stderr'], message: 'Providers and the engine never print.' },
  { name: 'node:console', message: 'Providers and the engine never print.' },
  { name: 'console', message: 'Providers and the engine never print.' },
];

export default defineConfig([
  {
    ignores: ['dist/', 'coverage/', 'bench/out/', 'test/.peers-bundle/', 'fixtures/demo/outbox/', '**/.invoice-doctor/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are deliberately unused (a destructured field left out of a copy, a parameter
      // kept for the signature); everything else unused is dead code.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read the CLI's --json output and journal lines with JSON.parse and assert on their shape: typing
    // them `Record<string, any>` is the honest type there. Product code (src, checks) stays without `any`.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // ── The layers ──────────────────────────────────────────────────────────────────────────────────────
  // Everything in src/ except the command line itself: no src/cli, no SDK (the provider blocks below
  // allow their own), and — below the use cases — no src/app.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/app/**'],
    rules: restrict([NO_CLI_IN_SRC, NO_APP_IN_SRC, SDK]),
  },
  // The use cases take typed options and return typed results (views): they never print and never end
  // the process. Printing, rendering and the process's exit code are src/cli's.
  {
    files: ['src/app/**/*.ts'],
    rules: {
      ...restrict([NO_CLI_IN_SRC, SDK], {
        paths: NO_PRINT_PATHS,
        extraSyntax: [
          ...NO_PRINT_SYNTAX,
          { selector: "CallExpression[callee.object.name='process'][callee.property.name=/^(exit|abort|kill)$/]", message: 'A use case never ends the process: it returns its result; src/cli/main.ts sets the exit code.' },
          { selector: "AssignmentExpression[left.object.name='process'][left.property.name='exitCode']", message: 'A use case never sets the exit code: it returns it (src/app/exit-codes.ts).' },
        ],
      }),
      'no-console': 'error',
    },
  },
  // Tests, benchmarks and scripts: no src/cli (they run the CLI through test/support/cli.ts, or the built
  // CLI as a process).
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: restrict([NO_CLI_OUTSIDE]),
  },
  // …but for the one seam: test/support/cli.ts runs the CLI in-process through its entry (src/cli/entry.ts,
  // the same function the process runs), and reaches nothing else of src/cli.
  {
    files: ['test/support/cli.ts'],
    rules: restrict([rule(`${fromOutside('cli')}(?!entry\\.js$)`, 'Only the in-process entry (src/cli/entry.ts) is reachable from test/support/cli.ts: test the commands through it.')]),
  },
  // Checks (built-in ones included) import only the public API, so a plugin can do everything a built-in
  // does and the engine's internals stay free to change: `../src/index.js`, other files of checks/, and
  // Node built-ins. No package (SDKs especially: a check asks ctx.facts, which ask the providers).
  {
    files: ['checks/**'],
    rules: restrict([
      rule('^\\.\\./(?!src/index\\.js$)', 'Checks import only the public API (../src/index.js): export what a check needs from src/index.ts, or make it a fact.'),
      rule('^(?!\\.|node:)', 'Checks import no package (no SDK): a check asks ctx.facts, and the providers behind them talk to the services.'),
    ]),
  },
  // The demo's plugin is what a plugin author writes: it has the package's public entry and nothing else.
  {
    files: ['fixtures/**/*.{js,mjs,ts}'],
    rules: restrict([
      rule('^(?!invoice-doctor$|node:|\\./)', "A plugin imports 'invoice-doctor' (the public API), Node built-ins and its own files."),
    ]),
  },
  // Providers sit at the bottom: the engine asks them for facts and send/ drives them, never the other
  // way round, so they import no engine, cli, report or send module. SDKs only as `import type` at the top
  // (the code loads them lazily with `await import()`). And they never print.
  {
    files: ['src/providers/**/*.ts'],
    rules: {
      ...restrict([
        NO_CLI_IN_SRC,
        NO_APP_IN_SRC,
        rule(fromSrc('(engine|report|send)'), 'Providers import no engine, report or send module: they answer reads and writes; the callers decide what it means.'),
        // `await import('stripe')` is the lazy loading itself; a static import may only bring types.
        { ...SDK, dynamic: false, allowTypeImports: true, message: 'Providers load the SDKs lazily: `import type` at the top, `await import(…)` where it is needed.' },
      ], { paths: NO_PRINT_PATHS, extraSyntax: NO_PRINT_SYNTAX }),
      'no-console': 'error', // see "never print" above
    },
  },
  // The engine runs checks and returns results: rendering them is src/report's job and driving it is the
  // cli's, so it imports neither. It never prints (the runner's output is a RunReport).
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      ...restrict([
        NO_CLI_IN_SRC,
        NO_APP_IN_SRC,
        rule(fromSrc('report'), 'The engine returns results; src/report renders them and src/cli prints them.'),
        SDK,
      ], { paths: NO_PRINT_PATHS, extraSyntax: NO_PRINT_SYNTAX }),
      'no-console': 'error', // see "never print" above
    },
  },
]);
