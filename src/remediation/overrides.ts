import * as z from 'zod';
import { InputError, locatedError } from '../errors.js';
import { parseSource, locate } from '../config/yaml-source.js';
import { toInputIssues } from '../config/zod-issues.js';
import { displayPath } from '../config/paths.js';
import { readInputFile, UnreadableFileError } from '../config/read-file.js';
import { LIMITS, text } from '../config/limits.js';
import { didYouMean } from '../config/suggest.js';
import type { Registry } from '../engine/registry.js';
import { ENGINE_REMEDIATION } from './engine-codes.js';
import type { RemediationOverrides } from './catalog.js';

const OverrideSchema = z.record(
  z.string(),
  z.strictObject({
    cause: text(LIMITS.description).min(1).optional(),
    steps: z.array(text(LIMITS.description).min(1)).min(1).max(LIMITS.entries).optional(),
    docs: text(LIMITS.path).min(1).optional(),
  }),
);


/** Reads `remediation: ./our-help-centre.yaml`; every key must be a code some check can return. */
export async function loadOverrides(file: string, registry: Registry): Promise<RemediationOverrides> {
  const shown = displayPath(file);
  let text: string;
  try {
    text = readInputFile(file, 'remediation');
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    throw new InputError('REMEDIATION_INVALID', error.message, {
      issues: [{ path: 'remediation', file: shown, message: error.detail }],
      hint: error.reason === 'missing' ? 'The path is relative to the configuration file.' : error.hint,
    });
  }
  const src = parseSource(text, shown, 'REMEDIATION_INVALID');
  const parsed = OverrideSchema.safeParse(src.value ?? {});
  if (!parsed.success) {
    throw locatedError('REMEDIATION_INVALID', toInputIssues(parsed.error, src, OverrideSchema), {
      subject: 'the file',
      hint: 'Each entry is CODE: { cause: "…", steps: ["…", "…"], docs: "https://…" }; every field is optional.',
    });
  }
  const known = new Set([...registry.codes().keys(), ...Object.keys(ENGINE_REMEDIATION)]);
  for (const code of Object.keys(parsed.data)) {
    if (!known.has(code)) {
      const pos = locate(src, [code], { key: true });
      throw new InputError('REMEDIATION_INVALID', `${shown}${pos ? `:${pos.line}:${pos.column}` : ''}: "${code}" is not a code any check returns.${didYouMean(code, known)}`, {
        issues: [{ path: code, file: shown, ...pos, message: 'unknown code' }],
        hint: 'List the codes with `invoice-doctor checks --json` or look one up with `invoice-doctor explain CODE`.',
      });
    }
  }
  return parsed.data;
}
