// Bundles the CLI and the public API with code splitting. Bundling is a start-up decision:
// resolving hundreds of small ESM files (zod, yaml) costs more than parsing one chunk, and
// splitting keeps every lazily imported command, check dependency and SDK out of `--help`.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm(new URL('../dist/bundle', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/bin.ts', index: 'src/index.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Smaller chunks parse faster; identifiers stay, so --verbose stack traces remain readable.
  minifyWhitespace: true,
  minifySyntax: true,
  chunkNames: 'chunks/[name]-[hash]',
  // The official SDKs stay in node_modules: they are large, load their own files at run time,
  // and are imported only by providers, only when a check or a send needs them.
  external: ['stripe', 'twilio', 'nodemailer', 'better-sqlite3', 'pg'],
  // CommonJS dependencies (commander) call require() for Node built-ins; ESM output needs a real one.
  banner: { js: "import { createRequire as __invoiceDoctorRequire } from 'node:module'; const require = __invoiceDoctorRequire(import.meta.url);" },
  logLevel: 'warning',
});
