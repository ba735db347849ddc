import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
import { displayPath } from '../config/paths.js';
import { assertRegularFile, UnreadableFileError } from '../config/read-file.js';
import { checkShapeProblems } from './define-check.js';
import type { CheckSource } from './registry.js';
import type { AnyCheck } from './types.js';

/**
 * Loads the user's check modules (config `plugins`). A module's default export is one check or a list
 * of them, written with defineCheck. A module that fails to import or exports something else stops the
 * run before anything is checked, naming the file.
 */
export async function loadPlugins(files: readonly string[]): Promise<CheckSource[]> {
  const sources: CheckSource[] = [];
  for (const file of files) {
    const shown = displayPath(file);
    // import() of a FIFO or a device would wait forever: only a regular file (or a link to one) is imported.
    try {
      assertRegularFile(file, 'plugin');
    } catch (error) {
      if (!(error instanceof UnreadableFileError) || error.reason === 'missing') {
        /* a missing file is reported by the import below, with its hint */
      } else {
        throw new InputError('PLUGIN_INVALID', `The plugin ${shown} (listed under "plugins" in the configuration) could not be loaded: ${error.detail}.`, {
          issues: [{ path: 'plugins', file: shown, message: error.detail }],
          hint: error.hint,
        });
      }
    }
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (error) {
      const missing = !existsSync(file);
      const message = String((error as Error).message).split('\n')[0]!;
      const reason = missing ? 'the file does not exist' : message;
      const hint = missing
        ? 'Plugin paths are relative to the configuration file; a plugin is an ES module (.js/.mjs) whose default export is defineCheck({ … }).'
        : /Cannot find package 'invoice-doctor'/.test(message)
          ? 'The plugin imports "invoice-doctor", which Node cannot find from the plugin\'s folder: run `npm install invoice-doctor` there, or export the check as a plain object (defineCheck only validates it).'
          : 'Run with --verbose for the full error.';
      throw new InputError('PLUGIN_INVALID', `The plugin ${shown} (listed under "plugins" in the configuration) could not be loaded: ${reason}.`, {
        issues: [{ path: 'plugins', file: shown, message: reason }],
        hint,
        cause: error,
      });
    }
    const exported = mod.default;
    const checks = Array.isArray(exported) ? exported : [exported];
    if (exported === undefined || checks.length === 0) {
      throw new InputError('PLUGIN_INVALID', `The plugin ${shown} has no default export; export default defineCheck({ … }) (or a list of checks).`, {
        issues: [{ path: 'plugins', file: shown, message: 'no default export' }],
        hint: 'See "Writing a check" in the README.',
      });
    }
    for (const check of checks) {
      const problems = checkShapeProblems(check);
      if (problems.length > 0) {
        throw new InputError('PLUGIN_INVALID', `The plugin ${shown} exports a check that is not valid: ${problems.join('; ')}.`, {
          issues: problems.map((message) => ({ path: 'plugins', file: shown, message })),
          hint: 'See "Writing a check" in the README; defineCheck reports the same problems when the module loads.',
        });
      }
      sources.push({ check: check as AnyCheck, file: shown });
    }
  }
  return sources;
}
