import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { displayPath } from '../../../src/config/paths.js';

/** A throw-away folder under the OS temp dir holding a config, invoices and customers for one test. */
export interface TempWorkspace {
  dir: string;
  /** absolute path of a file in the workspace */
  path(rel: string): string;
  /** the path as the product shows it in messages (relative to the cwd when below it) */
  shown(rel: string): string;
  /** writes a file (creating folders) and returns its absolute path */
  write(rel: string, text: string): Promise<string>;
  mkdir(rel: string): Promise<string>;
  remove(): Promise<void>;
}

export async function tempWorkspace(): Promise<TempWorkspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'invoice-doctor-test-'));
  const abs = (rel: string) => path.join(dir, rel);
  return {
    dir,
    path: abs,
    shown: (rel) => displayPath(abs(rel)),
    async write(rel, text) {
      const file = abs(rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text, 'utf8');
      return file;
    },
    async mkdir(rel) {
      const folder = abs(rel);
      await mkdir(folder, { recursive: true });
      return folder;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Lines of a YAML file, joined; keeps line numbers in tests easy to read (row n of the call is line n). */
export const yaml = (...rows: string[]): string => `${rows.join('\n')}\n`;

/** Awaits the call and returns the InputError it threw; fails the test if it resolved or threw anything else. */
export async function inputError(run: () => unknown): Promise<InputError> {
  let result: unknown;
  try {
    result = await run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`expected an InputError, but the call succeeded with ${JSON.stringify(result)?.slice(0, 200)}`);
}

/** The single issue at `path`, failing the test if there is none or more than one. */
export function issueAt(error: InputError, path: string): InputError['issues'][number] {
  const found = error.issues.filter((issue) => issue.path === path);
  expect(found.map((i) => i.path), `issues at "${path}" among ${JSON.stringify(error.issues)}`).toEqual([path]);
  return found[0]!;
}

/** A minimal valid config: version, data (invoices folder + customers file) and one account "acme" (lines 1-8). */
export const BASE_CONFIG: readonly string[] = [
  'version: 1',
  'data:',
  '  invoices: ./invoices',
  '  customers: ./customers.yaml',
  'accounts:',
  '  acme:',
  '    name: Acme Plumbing',
  '    country: US',
];
