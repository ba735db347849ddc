// Writes BENCHMARKS.md from one `npm run bench` run: the machine, the date, the command, and each part's
// printed table exactly as it came out, with whether its targets were met. Nothing in the file is typed
// by hand, so it cannot drift from what was measured.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** A part run alone (`node bench/<part>.mjs --runs N`): prints its table, exits 1 when a target is missed. */
export async function runIfMain(metaUrl, bench, defaultRuns = 3) {
  if (process.argv[1] !== fileURLToPath(metaUrl)) return;
  const runsArg = process.argv.indexOf('--runs');
  const result = await bench(runsArg > 0 ? Number(process.argv[runsArg + 1]) : defaultRuns);
  for (const line of result.lines) console.log(line);
  process.exit(result.ok ? 0 : 1);
}

/**
 * @param {string} file
 * @param {{ command: string, sections: Array<{ title: string, about: string, lines: string[], ok: boolean }> }} run
 */
export function writeBenchmarks(file, run) {
  const cpus = os.cpus();
  const missed = run.sections.filter((s) => !s.ok);
  const out = [
    '# Benchmarks',
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model?.trim() ?? 'cpu'} (\`nproc\` = ${os.availableParallelism?.() ?? cpus.length}), ${os.type()} ${os.release()}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, node ${process.version}.`,
    `Date: ${new Date().toISOString().slice(0, 10)}. Written by \`${run.command}\` (each part alone: \`node bench/<part>.mjs --runs N\`).`,
    '',
    missed.length === 0 ? 'Every target was met in this run.' : `Targets missed in this run: ${missed.map((s) => s.title).join('; ')}.`,
    '',
    '| part | targets |',
    '|---|---|',
    ...run.sections.map((s) => `| ${s.title} | ${s.ok ? 'met' : '**missed**'} |`),
    '',
  ];
  for (const s of run.sections) {
    out.push(`## ${s.title}`, '', s.about, '', '```', ...s.lines, '```', '');
  }
  writeFileSync(file, out.join('\n'));
}
