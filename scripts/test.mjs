// `npm test`: lint, the type check and every test tier, at once. Most of the suite waits (on the local
// peers, on child processes), so ESLint and tsc run in that time instead of before it. vitest's output
// streams as it comes; ESLint's and tsc's is printed when each finishes. Exits 1 if any of the three
// failed. Arguments go to vitest (`npm test -- --reporter=verbose`). ESLint and tsc keep their caches in
// dist/.cache (ignored by git; a clean clone starts without): a re-run checks only what changed.
import { spawn } from 'node:child_process';

const run = (name, command, args, { live = false } = {}) =>
  new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    let output = '';
    if (!live) for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (output += chunk));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      if (!live || !ok) process.stdout.write(`\n${ok ? '✓' : '✗'} ${name} (${seconds} s)${ok ? '' : `: exit ${code ?? signal}`}\n${ok ? '' : output}`);
      resolve(ok);
    });
  });

const results = await Promise.all([
  run('lint (eslint)', 'npx', ['eslint', '--max-warnings', '0', '--cache', '--cache-location', 'dist/.cache/eslint', '.']),
  run('type check (tsc -p tsconfig.json)', 'npx', ['tsc', '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'dist/.cache/tsconfig.tsbuildinfo']),
  run('tests (vitest: unit, peers, process, crash)', 'npx', ['vitest', 'run', ...process.argv.slice(2)], { live: true }),
]);
process.exit(results.every(Boolean) ? 0 : 1);
