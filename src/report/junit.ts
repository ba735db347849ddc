import type { CheckResult, InvoiceReport, RunReport } from '../engine/types.js';

/**
 * The report as JUnit XML, the format CI servers (Jenkins, GitLab, Azure DevOps, GitHub test-report
 * actions) read: one <testsuite> per invoice, one <testcase> per check. A failure carries its code,
 * message, cause, remediation steps and docs link; a check that could not be determined is an <error>
 * (JUnit's "the test itself could not run"), never a failure or a pass; a skip is <skipped>. Valid
 * against the Jenkins xUnit plugin's junit-10.xsd (test/fixtures/junit/).
 */
export interface JunitOptions {
  /** warnings count as failures (--strict or --fail-on warn), so the report agrees with the exit code */
  warningsFail: boolean;
  /** when the run started (the suites' timestamp) */
  startedAt: Date;
  /** the run's wall time in milliseconds (the root's time; each suite's is the sum of its checks') */
  wallMs: number;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

export function renderJunit(report: RunReport, options: JunitOptions): string {
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  const suites = report.results.map((r, index) => {
    const { xml, counts } = renderSuite(r, index, options);
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.errors += counts.errors;
    total.skipped += counts.skipped;
    return xml;
  });
  const root = attrs({ name: 'invoice-doctor check', tests: total.tests, failures: total.failures, errors: total.errors, time: seconds(options.wallMs) });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${root}>\n${suites.join('')}</testsuites>\n`;
}

/** A suite on its own (for streaming writers): the same XML renderJunit puts inside <testsuites>. */
export function renderSuite(r: InvoiceReport, index: number, options: JunitOptions): { xml: string; counts: Counts } {
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  const cases: string[] = [];
  for (const c of r.checks) {
    counts.tests++;
    counts.ms += c.durationMs;
    const kind = outcomeOf(c, options);
    if (kind === 'failure') counts.failures++;
    else if (kind === 'error') counts.errors++;
    else if (kind === 'skipped') counts.skipped++;
    cases.push(renderCase(c, kind));
  }
  const name = r.invoice.number && r.invoice.number !== r.invoice.id ? `${r.invoice.id} (no. ${r.invoice.number})` : r.invoice.id;
  const head = attrs({
    name: oneLine(name),
    tests: counts.tests,
    failures: counts.failures,
    errors: counts.errors,
    skipped: counts.skipped,
    time: seconds(counts.ms),
    // Ant's form: no zone, UTC (as jest-junit writes it).
    timestamp: options.startedAt.toISOString().slice(0, 19),
    id: index,
    package: `invoice-doctor.${r.invoice.account}`,
  });
  const properties = [
    ['invoice.id', r.invoice.id],
    ['invoice.number', r.invoice.number],
    ['invoice.account', r.invoice.account],
    ['invoice.status', r.invoice.status],
    ['ready', String(r.ready)],
    ...Object.entries(r.channels).map(([channel, state]) => [`channel.${channel}`, state]),
  ].map(([name, value]) => `      <property${attrs({ name: name!, value: value! })}/>\n`).join('');
  const xml = `  <testsuite${head}>\n    <properties>\n${properties}    </properties>\n${cases.join('')}  </testsuite>\n`;
  return { xml, counts };
}

type Kind = 'pass' | 'warning' | 'failure' | 'error' | 'skipped';

function outcomeOf(c: CheckResult, options: JunitOptions): Kind {
  switch (c.status) {
    case 'pass': return 'pass';
    case 'warn': return options.warningsFail ? 'failure' : 'warning';
    case 'fail': return 'failure';
    case 'error': return 'error';
    case 'skip': return 'skipped';
  }
}

function renderCase(c: CheckResult, kind: Kind): string {
  const head = `    <testcase${attrs({ classname: c.id, name: oneLine(c.title), time: seconds(c.durationMs) })}`;
  switch (kind) {
    case 'pass':
      return `${head}/>\n`;
    case 'skipped':
      return `${head}>\n      <skipped${attrs({ message: oneLine(c.message) })}/>\n    </testcase>\n`;
    case 'warning':
      return `${head}>\n      <system-out>${text(`WARNING ${details(c)}`)}</system-out>\n    </testcase>\n`;
    case 'failure':
    case 'error': {
      const code = c.code ?? (kind === 'error' ? 'ERROR' : 'FAILED');
      const element = kind === 'failure' ? 'failure' : 'error';
      return `${head}>\n      <${element}${attrs({ message: oneLine(`${code}: ${c.message}`), type: code })}>${text(details(c))}</${element}>\n    </testcase>\n`;
    }
  }
}

/** The body of a failure, error or warning: what the human report prints under a problem. */
function details(c: CheckResult): string {
  const lines = [`${c.code ? `${c.code}: ` : ''}${c.message}`];
  if (c.status === 'warn') lines[0] = `${lines[0]} (a warning)`;
  if (c.cause) lines.push('', `Why: ${c.cause}`);
  if (c.remediation.length > 0) lines.push('', 'Fix:', ...c.remediation.map((step, i) => `  ${i + 1}. ${step}`));
  if (c.docs) lines.push('', `Docs: ${c.docs}`);
  if (c.blockedBy.length > 0) lines.push('', `Blocked by: ${c.blockedBy.join(', ')}`);
  lines.push('', `Check: ${c.id} (${c.category})`);
  return `${lines.join('\n')}\n`;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/F), and the C1 controls. */
// eslint-disable-next-line no-control-regex -- the characters XML 1.0 cannot carry
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlText(value: string): string {
  // ">" is escaped too, so "]]>" (not allowed in character data) cannot occur.
  return value.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function text(value: string): string {
  return xmlText(value.replace(/\r\n?/g, '\n'));
}

export function xmlAttr(value: string): string {
  // Line breaks and tabs as references: a parser would otherwise normalise them to spaces.
  return xmlText(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values).map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`).join('');
}

/** Names and messages shown on one line: line breaks and other controls become spaces. */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are removed from one-line names
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '').replace(/\s*[\t\r\n]\s*/g, ' ').trim();
}
