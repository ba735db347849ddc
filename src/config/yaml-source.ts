import { createRequire } from 'node:module';
import type { Document, LineCounter, Node } from 'yaml';
import { load as loadFast, CORE_SCHEMA } from 'js-yaml';

/**
 * `yaml` (positions for error reports) is loaded on first need, synchronously: a valid workspace is read
 * by js-yaml alone, and loading `yaml` costs ~8 ms of start-up. Kept out of the bundle (a runtime require
 * from node_modules), so its code is not even compiled unless a problem must be located.
 */
let yamlModule: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}
import { InputError, type InputErrorCode } from '../errors.js';

export type PathSegment = string | number;

/** A parsed YAML (or JSON: YAML 1.2 reads it) file that can map any value path back to line:column. */
export interface SourceDocument {
  /** path as shown to the user (relative to the working directory when possible) */
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  value: unknown;
}

// logLevel 'error': `yaml` reports warnings through process.emitWarning (on stderr, at no position); the
// ones that matter (a collection as a key) are found in the syntax tree below and located instead, and the
// rest (an unknown tag, read as plain text as js-yaml's fallback does) are harmless.
const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error' } as const;

/** Aliases a file may expand: bounds "billion laughs" inputs, where a few lines expand without limit. */
const MAX_ALIAS_COUNT = 100;

export function parseSource(text: string, file: string, errorCode: InputErrorCode): SourceDocument {
  if (file.toLowerCase().endsWith('.json')) {
    // Valid JSON parses natively, several times faster than through the YAML parser; the positions
    // are only needed to report a problem, so that parse happens only then. Invalid JSON falls
    // through to the YAML parser, which locates the syntax error.
    try {
      return withLazyPositions(file, text, JSON.parse(text));
    } catch {
      /* reported with its position below */
    }
  }
  const fast = readFast(text);
  if (fast.ok) return withLazyPositions(file, text, fast.value);
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, ...YAML_OPTIONS });
  const problems = [...doc.errors];
  if (problems.length > 0) {
    const issues = problems.map((e) => {
      // linePos is only filled in with prettyErrors; the offset always is.
      const pos = lineCounter.linePos(e.pos[0]);
      const subject = e.code === 'DUPLICATE_KEY' ? `the key "${/^\s*("[^"]*"|'[^']*'|[^:\n#]+)/.exec(text.slice(e.pos[0]))?.[1]?.trim() ?? '?'}" appears twice in the same mapping` : firstLine(e.message);
      return { path: '', file, line: pos.line, column: pos.col, message: subject };
    });
    const first = issues[0]!;
    throw new InputError(errorCode, `${file}:${first.line}:${first.column}: the file is not valid YAML/JSON: ${first.message}.`, {
      issues,
      hint: problems[0]!.code === 'DUPLICATE_KEY'
        ? 'Keep one of the two entries; a later one would silently replace the earlier.'
        : 'Check the indentation (spaces, not tabs) and quoting around that line; values containing ": " or " #" need quotes.',
    });
  }
  const structural = structureProblems(doc, lineCounter, file);
  if (structural.length > 0) {
    const first = structural[0]!;
    throw new InputError(errorCode, `${file}:${first.line}:${first.column}: the file is not valid YAML/JSON: ${first.message}.`, {
      issues: structural,
      hint: /alias/.test(first.message)
        ? 'An alias (*name) cannot stand inside the node its anchor (&name) names: that would be infinite. Copy the values instead.'
        : 'A key must be plain text (a name); quote it if it contains [ ] { } or starts with ? or *.',
    });
  }
  // Anchors/aliases are resolved by toJS; maxAliasCount bounds "billion laughs" style inputs.
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // An alias to an anchor that does not exist, or too many aliases: the parser reports neither as a syntax error.
    const message = (error as Error).message.split('\n')[0]!.replace(/\.$/, '');
    throw new InputError(errorCode, `${file}:1:1: the file is not valid YAML/JSON: ${message}.`, {
      issues: [{ path: '', file, line: 1, column: 1, message }],
      hint: 'Remove the alias (*name) or define its anchor (&name) before it; aliases may not expand a file beyond 100 references.',
    });
  }
  return { file, doc, lineCounter, value };
}

/**
 * What `yaml` accepts but no configuration or data file can mean, each at its own line:column:
 * - an alias inside the node its anchor names (`a: &x { b: *x }`, or a merge key `<<: *x` in the mapping
 *   anchored &x): the value would contain itself, and every later walk over it would recurse forever;
 * - a collection (or an alias to one) as a mapping key: JavaScript objects have only text keys, so it
 *   would be stringified to "[ a, b ]", a key no schema accepts, reported at no useful position.
 */
function structureProblems(doc: Document, lineCounter: LineCounter, file: string): Array<{ path: string; file: string; line: number; column: number; message: string }> {
  const { visit, isAlias, isCollection } = yaml();
  const out: Array<{ path: string; file: string; line: number; column: number; message: string }> = [];
  const at = (node: Node, message: string) => {
    const pos = lineCounter.linePos(node.range?.[0] ?? 0);
    out.push({ path: '', file, line: pos.line, column: pos.col, message });
  };
  visit(doc, {
    Alias(_key, alias, ancestors) {
      const target = alias.resolve(doc);
      if (target && ancestors.includes(target)) at(alias, `the alias *${alias.source} refers to the anchor &${alias.source} that contains it (a value cannot contain itself)`);
    },
    Pair(_key, pair) {
      const key = pair.key;
      const resolved = isAlias(key) ? key.resolve(doc) : key;
      if (isCollection(resolved)) at(key as Node, 'a list or mapping cannot be used as a key');
    },
  });
  return out;
}

/**
 * Where js-yaml's core schema and `yaml`'s YAML 1.2 core schema were found to read a file differently
 * (test/unit/config/yaml-fast-path.test.ts compares them), plus aliases, where a small file can expand
 * without bound. A file with any of these takes the full parser:
 * anchors, aliases and tags; binary integers; signed zero, hex, octal or leading-dot numbers; explicit
 * (`? `) or empty (`: `) keys; a collection as a key; a %YAML directive; a line over 1,024 characters
 * (`yaml` refuses such an implicit key).
 */
const NEEDS_FULL_PARSER = /(?:^|[\s[{,])(?:[&*!]\S|[-+](?:0|\.)|[?:](?:[\s\],}]|$))|\b0[bB]|[\]}]\s*:(?:\s|$)|^%/m;

/**
 * A well-formed YAML file read by js-yaml, about ten times faster than `yaml`'s document parser
 * (which keeps every position, a cost worth paying only to report a problem). Anything js-yaml rejects
 * (duplicate keys, syntax errors, several documents, unknown tags) goes to the full parser, whose error
 * names the line and column; so does every construct where the two could disagree.
 */
function readFast(text: string): { ok: true; value: unknown } | { ok: false } {
  if (NEEDS_FULL_PARSER.test(text) || hasLongLine(text)) return { ok: false };
  try {
    return { ok: true, value: loadFast(text, { schema: CORE_SCHEMA }) ?? null };
  } catch {
    return { ok: false };
  }
}

function hasLongLine(text: string): boolean {
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    if ((end === -1 ? text.length : end) - start > 1024) return true;
    if (end === -1) break;
    start = end + 1;
  }
  return false;
}

function withLazyPositions(file: string, text: string, value: unknown): SourceDocument {
  let parsed: { doc: Document; lineCounter: LineCounter } | undefined;
  const positions = () => {
    if (!parsed) {
      const { LineCounter, parseDocument } = yaml();
      const lineCounter = new LineCounter();
      parsed = { doc: parseDocument(text, { lineCounter, ...YAML_OPTIONS }), lineCounter };
    }
    return parsed;
  };
  return {
    file,
    value,
    get doc() {
      return positions().doc;
    },
    get lineCounter() {
      return positions().lineCounter;
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
}

/**
 * The position of the value (or, with `key`, of the key) at `path`. Falls back to the deepest node that
 * exists, so a missing field points at the object that should hold it.
 */
export function locate(src: SourceDocument, path: readonly PathSegment[], options: { key?: boolean } = {}): { line: number; column: number } | undefined {
  const { isMap, isSeq, isScalar, isPair } = yaml();
  let node: unknown = src.doc.contents;
  let range: readonly number[] | undefined = (node as Node | null)?.range ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (last && options.key && isScalar(pair.key)) {
        range = pair.key.range ?? range;
        break;
      }
      node = pair.value;
      range = (pair.value as Node | null)?.range ?? (isScalar(pair.key) ? pair.key.range : undefined) ?? range;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!item) break;
      node = item;
      range = (item as Node).range ?? range;
    } else {
      break;
    }
  }
  if (!range) return { line: 1, column: 1 }; // an empty document: the problem is the whole file
  const pos = src.lineCounter.linePos(range[0]!);
  return { line: pos.line, column: pos.col };
}

export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment as string];
  }
  return current;
}
