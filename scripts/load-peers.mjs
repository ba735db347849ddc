// The local test peers (test/fakes/, TypeScript) bundled on the fly for plain-Node scripts: the
// benchmarks and `npm run with-peers`. Output goes to test/.peers-bundle/ (not committed).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function loadPeers() {
  // A sibling of test/fakes, so the fakes' paths relative to their own module (../fixtures/tls) still hold.
  const outfile = path.join(root, 'test/.peers-bundle/peers.mjs');
  await build({
    entryPoints: [path.join(root, 'test/fakes/peers.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}
