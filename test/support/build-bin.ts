/**
 * Global setup of the process and crash tiers: their tests spawn bin/invoice-doctor.js, which runs the
 * bundle in dist/, so the bundle is rebuilt first when a source is newer than it (esbuild alone, a second
 * or two; `npm run build` also writes the type declarations, which no test needs). The in-process tiers
 * run the TypeScript sources and need no build.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

const BUNDLE = path.join(ROOT, 'dist/bundle/cli.js');
const SOURCES = ['src', 'checks', 'package.json', 'scripts/build.mjs'];

function newest(file: string): number {
  const st = statSync(file);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(file).map((name) => newest(path.join(file, name))));
}

function bundleTime(): number {
  try {
    return statSync(BUNDLE).mtimeMs;
  } catch {
    return -1;
  }
}

export default function setup(): void {
  if (bundleTime() >= Math.max(...SOURCES.map((s) => newest(path.join(ROOT, s))))) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
}
