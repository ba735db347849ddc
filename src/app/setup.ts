import { discoverConfig, requireConfigPath } from '../config/discover.js';
import type { LoadedConfig } from '../config/load.js';
import { Registry } from '../engine/registry.js';
import { loadPlugins } from '../engine/plugins.js';
import { RemediationCatalog } from '../remediation/catalog.js';
import { BUILTIN_CHECKS } from '../../checks/index.js';

export interface Setup {
  loaded?: LoadedConfig;
  registry: Registry;
  catalog: RemediationCatalog;
}

/**
 * Config → plugins → registry → remediation catalogue. `check` requires a configuration; `checks` and
 * `explain` use one when they find it (to include plugins and the team's own remediation wording).
 */
export async function setup(options: { config?: string; requireConfig: boolean; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<Setup> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = options.requireConfig ? requireConfigPath(options.config, env, cwd) : discoverConfig(options.config, env, cwd);
  // The YAML and schema machinery loads only when there is a configuration to read.
  const loaded = file ? await (await import('../config/load.js')).loadConfig(file) : undefined;
  const plugins = loaded ? await loadPlugins(loaded.config.plugins) : [];
  const registry = new Registry([...BUILTIN_CHECKS.map((check) => ({ check })), ...plugins]);
  const overrides = loaded?.config.remediation ? await (await import('../remediation/overrides.js')).loadOverrides(loaded.config.remediation, registry) : {};
  return { loaded, registry, catalog: new RemediationCatalog(registry, overrides) };
}
