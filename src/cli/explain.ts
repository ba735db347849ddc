import { InputError } from '../errors.js';
import { didYouMean } from '../config/suggest.js';
import { makeChalk } from '../report/style.js';
import { describeArticleRef } from '../remediation/articles.js';
import type { AnyCheck, Remediation } from '../engine/types.js';
import { setup } from '../app/setup.js';
import { writeOut } from './output.js';
import { articleRefs, explainCheck } from '../report/explain.js';

export async function explainCommand(subject: string, opts: { json?: boolean; config?: string; color?: boolean }): Promise<number> {
  const { registry, catalog } = await setup({ config: opts.config, requireConfig: false });
  const chalk = makeChalk({ color: opts.color, tty: Boolean(process.stdout.isTTY) });
  const check = registry.get(subject);
  const code = subject.toUpperCase();
  const owners = registry.checksWithCode(code);

  if (!check && owners.length === 0 && !catalog.lookup(code)) {
    throw new InputError('CHECK_NOT_FOUND', `"${subject}" is neither a check id nor a result code.${didYouMean(subject, [...registry.checks.map((c) => c.id), ...registry.codes().keys()])}`, {
      hint: 'List the checks and their codes with: invoice-doctor checks',
    });
  }

  if (check) {
    const x = explainCheck(check, registry, catalog);
    if (opts.json) {
      writeOut(`${JSON.stringify({ schemaVersion: 1, check: { ...x.summary, codes: x.codes, ...(x.defaultTemplates ? { defaultTemplates: x.defaultTemplates } : {}) } }, null, 2)}\n`);
      return 0;
    }
    const out = [`${chalk.bold(check.id)} — ${check.title}`, '', wrapPara(check.description), ''];
    out.push(`${chalk.bold('Category:')} ${check.category}   ${chalk.bold('Gates:')} ${check.channels.join(', ')}   ${chalk.bold('Scope:')} ${x.scope}${x.network ? `   ${x.network}` : ''}`);
    if (x.dependsOn.length) out.push(`${chalk.bold('Runs after:')} ${x.dependsOn.join(', ')} (skipped if one of them fails)`);
    for (const m of x.mirrors) out.push(`${chalk.bold('Mirrors:')} ${m}`);
    if (x.placeholders) {
      out.push('', chalk.bold('Template placeholders:'));
      for (const [name, meaning] of Object.entries(x.placeholders)) out.push(`  {{${name}}}  ${chalk.dim(meaning)}`);
    }
    if (x.defaultTemplates) {
      out.push('', `${chalk.bold('Default templates')} ${chalk.dim("(used when the account's `templates` does not set one):")}`);
      for (const d of x.defaultTemplates) {
        out.push(`  ${chalk.bold(d.template)} ${chalk.dim(`(${d.when})`)}${d.note ? `: ${d.note}` : ''}`);
        if (d.text !== null) out.push(...d.text.split('\n').map((line) => `    │ ${line}`.trimEnd()));
      }
    }
    for (const c of x.codes) {
      out.push('', `${chalk.bold(c.code)} ${chalk.dim(`(${c.severity})`)} — ${c.summary}`);
      out.push(...renderRemediation(c, chalk.bold));
    }
    writeOut(`${out.join('\n')}\n`);
    return 0;
  }

  const remediation = catalog.lookup(code);
  if (opts.json) {
    writeOut(`${JSON.stringify({ schemaVersion: 1, code: { code, checks: owners.map((o) => ({ id: o.id, severity: o.codes[code]!.severity, summary: o.codes[code]!.summary })), ...remediation } }, null, 2)}\n`);
    return 0;
  }
  const out = [`${chalk.bold(code)}${catalog.isOverridden(code) ? chalk.dim('  (wording from your remediation file)') : ''}`];
  for (const owner of owners) out.push(`${chalk.dim('returned by')} ${owner.id} (${owner.title}) as ${owner.codes[code]!.severity}: ${owner.codes[code]!.summary}`);
  out.push(...renderRemediation(remediation, chalk.bold));
  for (const owner of owners) for (const ref of articleRefs(owner as AnyCheck)) out.push(`${chalk.bold('Mirrors:')} ${describeArticleRef(ref)}`);
  writeOut(`${out.join('\n')}\n`);
  return 0;
}

function renderRemediation(r: Partial<Remediation> | undefined, bold: (s: string) => string): string[] {
  if (!r) return ['  (no remediation recorded)'];
  const out: string[] = [];
  if (r.cause) out.push(`  ${bold('Why:')} ${r.cause}`);
  if (r.steps?.length) {
    out.push(`  ${bold('Fix:')}`);
    r.steps.forEach((s, i) => out.push(`    ${i + 1}. ${s}`));
  }
  if (r.docs) out.push(`  ${bold('Docs:')} ${r.docs}`);
  return out;
}

function wrapPara(text: string, width = 100): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + w.length + 1 > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
