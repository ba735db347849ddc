import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_PAGES_DIR, renderCheckPages } from '../../src/docs/check-pages.js';
import { DEMO_ENV, ROOT, runCli } from '../support/cli.js';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('generated check pages (docs/checks/<id>.md)', () => {
  it('every page is what `npm run docs` would write now: none stale, missing or left over', async () => {
    const expected = renderCheckPages();
    const dir = path.join(root, CHECK_PAGES_DIR);
    const onDisk = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.md'));
    const problems: string[] = [];
    for (const [name, text] of expected) {
      const actual = await readFile(path.join(dir, name), 'utf8').catch(() => undefined);
      if (actual === undefined) problems.push(`${CHECK_PAGES_DIR}/${name} is missing`);
      else if (actual !== text) problems.push(`${CHECK_PAGES_DIR}/${name} is stale (${firstDifference(actual, text)})`);
    }
    for (const name of onDisk) if (!expected.has(name)) problems.push(`${CHECK_PAGES_DIR}/${name} belongs to no check`);
    expect(problems, `The check pages do not match the checks' metadata and the remediation catalogue:\n  ${problems.join('\n  ')}\nRun \`npm run docs\` and commit the result.`).toEqual([]);
  });

  it('the checks index links every check page', async () => {
    const index = await readFile(path.join(root, 'docs', 'checks.md'), 'utf8');
    const unlinked = [...renderCheckPages().keys()].filter((name) => !index.includes(`(checks/${name})`));
    expect(unlinked, 'docs/checks.md ("The checks") has no row linking these pages').toEqual([]);
  });
});

describe('README quick start', () => {
  it('the sample report is what the command shown prints today (the workspace path elided as …)', async () => {
    const readme = await readFile(path.join(root, 'README.md'), 'utf8');
    const command = 'npx invoice-doctor check INV-1002 --offline --config fixtures/demo/invoice-doctor.yaml';
    const at = readme.indexOf(command);
    expect(at, `README.md no longer shows \`${command}\``).toBeGreaterThan(-1);
    // the command's own block closes, the next block is its output
    const sample = /\n```\s*\n```\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
    const r = await runCli(['check', 'INV-1002', '--offline', '--config', 'fixtures/demo/invoice-doctor.yaml'], { env: DEMO_ENV, cwd: ROOT });
    expect(r.code).toBe(1);
    expect(r.stdout.split(ROOT).join('…'), 'README.md quick start: paste the output of the command above (with the workspace path as …)').toBe(sample);
  });
});

describe('links in README.md and docs/', () => {
  it('every relative link names a file that exists, and every #anchor a heading in it', async () => {
    const files = ['README.md', ...(await markdownUnder('docs'))];
    const broken: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(root, file), 'utf8');
      for (const [, target] of withoutCode(text).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue;
        const [rel, anchor] = target!.split('#') as [string, string | undefined];
        const dest = rel === '' ? file : path.normalize(path.join(path.dirname(file), rel));
        const destText = await readFile(path.join(root, dest), 'utf8').catch(() => undefined);
        if (destText === undefined) {
          const isDir = await readdir(path.join(root, dest)).then(() => true, () => false);
          if (!isDir) broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (anchor && dest.endsWith('.md') && !anchors(destText).has(anchor)) broken.push(`${file}: ${target} (no heading with that anchor in ${dest})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

async function markdownUnder(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    if (e.isDirectory()) out.push(...(await markdownUnder(path.join(dir, e.name))));
    else if (e.name.endsWith('.md')) out.push(path.join(dir, e.name));
  }
  return out;
}

/** The text outside fenced code blocks, where `](…)` is not a link. */
function withoutCode(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of withoutCode(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const i = a.findIndex((line, n) => line !== e[n]);
  const line = i === -1 ? Math.min(a.length, e.length) : i;
  return `line ${line + 1}: has ${JSON.stringify(a[line] ?? '(end of file)').slice(0, 80)}, expected ${JSON.stringify(e[line] ?? '(end of file)').slice(0, 80)}`;
}
