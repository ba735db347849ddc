import type { PathSegment } from './yaml-source.js';
import { addConfigLogins, isSecretField, SECRET_VARIABLE } from './secrets.js';
import type { Redactor } from './redact.js';

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface Interpolated {
  value: unknown;
  /** dotted path → name of the variable that was unset; the value at that path is left undefined */
  unsetEnv: Record<string, string>;
}

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string. An unset variable is not an error here: the
 * field becomes undefined and is recorded, so the check that needs it can say which variable to set,
 * and `--offline` runs work without any secret. `$${` is a literal `${`.
 */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv, redactor: Redactor): Interpolated {
  const unsetEnv: Record<string, string> = {};
  const walk = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === 'string') {
      let missing: string | undefined;
      const out = node.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
        if (match === '$${') return '${';
        const found = env[name!];
        if (found !== undefined && found !== '') {
          if (isSecretField(path) || SECRET_VARIABLE.test(name!)) redactor.add(found);
          return found;
        }
        if (fallback !== undefined) return fallback;
        missing ??= name;
        return match;
      });
      if (missing) {
        unsetEnv[path.join('.')] = missing;
        return undefined;
      }
      if (isSecretField(path)) redactor.add(out);
      return out;
    }
    // A number is a secret too where it stands for one (`pass: 1234`): a config error may show it.
    if ((typeof node === 'number' || typeof node === 'bigint') && isSecretField(path)) redactor.add(node);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, [...path, k]);
      return out;
    }
    return node;
  };
  const out = walk(value, []);
  // The encoded login strings (AUTH PLAIN, HTTP Basic) a server may echo back, once every value is known.
  addConfigLogins(redactor, out);
  return { value: out, unsetEnv };
}
