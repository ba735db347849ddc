// `npm run docs`: writes docs/checks/<id>.md, one page per built-in check, from the same data
// `invoice-doctor explain <check-id>` shows (src/docs/check-pages.ts). Pages of checks that no longer
// exist are removed. test/docs/check-pages.test.ts renders the pages in memory and fails when one on disk
// differs; it never writes. The sources are TypeScript, so they are bundled first (as the build does).
import { build } from 'esbuild';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'gen-docs', 'check-pages.mjs');
await build({
  entryPoints: [path.join(root, 'src', 'docs', 'check-pages.ts')],
  outfile: bundle,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['stripe', 'twilio', 'nodemailer'],
  banner: { js: "import { createRequire as __genDocsRequire } from 'node:module'; const require = __genDocsRequire(import.meta.url);" },
  logLevel: 'warning',
});
const { renderCheckPages, CHECK_PAGES_DIR } = await import(pathToFileURL(bundle).href);

const dir = path.join(root, CHECK_PAGES_DIR);
await mkdir(dir, { recursive: true });
const pages = renderCheckPages();
let changed = 0;
for (const [name, text] of pages) {
  const file = path.join(dir, name);
  const old = await readFile(file, 'utf8').catch(() => undefined);
  if (old === text) continue;
  await writeFile(file, text);
  changed += 1;
  console.log(`${old === undefined ? 'created' : 'updated'} ${path.relative(root, file)}`);
}
for (const name of await readdir(dir)) {
  if (name.endsWith('.md') && !pages.has(name)) {
    await rm(path.join(dir, name));
    changed += 1;
    console.log(`removed ${path.join(CHECK_PAGES_DIR, name)} (no such check)`);
  }
}
console.log(`${pages.size} check pages in ${CHECK_PAGES_DIR}/, ${changed} changed.`);
