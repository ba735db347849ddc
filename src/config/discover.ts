import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';

export const CONFIG_NAMES = ['invoice-doctor.yaml', 'invoice-doctor.yml'];

/** `--config`, else INVOICE_DOCTOR_CONFIG, else ./invoice-doctor.yaml|yml. */
export function discoverConfig(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (flag) return path.resolve(cwd, flag);
  if (env.INVOICE_DOCTOR_CONFIG) return path.resolve(cwd, env.INVOICE_DOCTOR_CONFIG);
  return CONFIG_NAMES.map((name) => path.join(cwd, name)).find((candidate) => existsSync(candidate));
}

export function requireConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const found = discoverConfig(flag, env, cwd);
  if (!found) {
    throw new InputError('CONFIG_NOT_FOUND', `No configuration found: no --config flag, no INVOICE_DOCTOR_CONFIG variable, and no ${CONFIG_NAMES.join(' or ')} in ${cwd}.`, {
      hint: 'Pass --config path/to/invoice-doctor.yaml, or try the demo: --config fixtures/demo/invoice-doctor.yaml',
    });
  }
  return found;
}
