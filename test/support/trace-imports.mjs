// Preloaded with --import: records every module URL the process resolves, to prove what start-up loads.
// ESM imports go through the resolve hook; CommonJS requires (a createRequire'd module) are read from
// the require cache when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./trace-hooks.mjs', import.meta.url);

const require = createRequire(import.meta.url);
process.on('exit', () => {
  const file = process.env.TRACE_IMPORTS_FILE;
  if (file) appendFileSync(file, Object.keys(require.cache).map((p) => `${pathToFileURL(p).href}\n`).join(''));
});
