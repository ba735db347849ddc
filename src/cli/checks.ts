import { makeChalk } from '../report/style.js';
import { articleRefs, checkSummary } from '../report/check-summary.js';
import { setup } from '../app/setup.js';
import { writeOut } from './output.js';

export async function checksCommand(opts: { json?: boolean; config?: string; color?: boolean }): Promise<number> {
  const { registry } = await setup({ config: opts.config, requireConfig: false });
  if (opts.json) {
    writeOut(`${JSON.stringify({ schemaVersion: 1, checks: registry.checks.map((c) => checkSummary(c, registry.fileOf(c.id))) }, null, 2)}\n`);
    return 0;
  }
  const chalk = makeChalk({ color: opts.color, tty: Boolean(process.stdout.isTTY) });
  const idWidth = Math.max(...registry.checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const c of registry.checks) {
    const tags = [c.category, c.channels.join('+'), c.scope === 'account' ? 'per account' : 'per invoice', c.needsNetwork ? 'network' : 'offline'];
    const plugin = registry.fileOf(c.id);
    lines.push(`${chalk.bold(c.id.padEnd(idWidth))}  ${c.title}${plugin ? chalk.dim(`  (plugin: ${plugin})`) : ''}`);
    lines.push(`${' '.repeat(idWidth)}  ${chalk.dim(tags.join(' · '))}`);
    const refs = articleRefs(c);
    if (refs.length) lines.push(`${' '.repeat(idWidth)}  ${chalk.dim(`mirrors ${refs.join(', ')}`)}`);
  }
  lines.push('', chalk.dim(`${registry.checks.length} checks. Details and remediation: invoice-doctor explain <check-id|CODE>`));
  writeOut(`${lines.join('\n')}\n`);
  return 0;
}
