import path from 'node:path';
import { InputError, locatedError } from '../errors.js';
import { ConfigSchema, type AccountConfig, type Channel, type ConfigFile } from './schema.js';
import { parseSource, locate, type SourceDocument } from './yaml-source.js';
import { interpolate } from './interpolate.js';
import { redactor } from './redact.js';
import { assertRegularFile, readInputFile, UnreadableFileError } from './read-file.js';
import { toInputIssues } from './zod-issues.js';
import { displayPath } from './paths.js';
import { didYouMean } from './suggest.js';
import { isDatabaseUrl, parseDatabaseUrl } from './database-url.js';

export { discoverConfig, requireConfigPath, CONFIG_NAMES } from './discover.js';

/** An account as checks see it: its config plus which of its `${VAR}`s were unset. */
export interface Account extends AccountConfig {
  id: string;
  /** path relative to the account (e.g. `payments.stripe.secret_key`) → unset variable name */
  unsetEnv: Record<string, string>;
}

export interface LoadedConfig {
  file: string;
  dir: string;
  config: ConfigFile;
  accounts: Map<string, Account>;
  defaultAccount?: string;
  source: SourceDocument;
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const shown = displayPath(file);
  let text: string;
  try {
    text = readInputFile(file, 'config');
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    throw new InputError('CONFIG_NOT_FOUND', error.message, {
      issues: [{ path: '', file: shown, message: error.detail }],
      hint: error.reason === 'too-large' ? error.hint : 'Check the path given to --config or INVOICE_DOCTOR_CONFIG.',
    });
  }
  const source = parseSource(text, shown, 'CONFIG_INVALID');
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
    throw new InputError('CONFIG_INVALID', `${shown}: the configuration must be a mapping with "version: 1", "data" and "accounts".`, {
      issues: [{ path: '', file: shown, line: 1, column: 1, message: 'expected a mapping at the top level' }],
      hint: 'See fixtures/demo/invoice-doctor.yaml for a complete example.',
    });
  }
  const { value, unsetEnv } = interpolate(source.value, env, redactor);
  registerJournalSecrets(value);
  const parsed = ConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issues = toInputIssues(parsed.error, source, ConfigSchema, { unsetEnv });
    throw configError(issues);
  }
  const config = parsed.data;
  checkJournal(config, source, shown, unsetEnv);
  const dir = path.dirname(file);
  resolvePaths(config, dir);
  checkCaFiles(config, source, shown);

  const ids = Object.keys(config.accounts);
  const defaultAccount = config.defaults.account ?? (ids.length === 1 ? ids[0] : undefined);
  if (config.defaults.account && !config.accounts[config.defaults.account]) {
    const pos = locate(source, ['defaults', 'account']);
    throw configError([{ path: 'defaults.account', file: shown, ...pos, message: `names account "${config.defaults.account}", which is not under "accounts".${didYouMean(config.defaults.account, ids)}` }]);
  }

  const accounts = new Map<string, Account>();
  for (const [id, account] of Object.entries(config.accounts)) {
    const prefix = `accounts.${id}.`;
    const own: Record<string, string> = {};
    for (const [p, variable] of Object.entries(unsetEnv)) if (p.startsWith(prefix)) own[p.slice(prefix.length)] = variable;
    if (config.defaults.channels && !hasExplicit(source, ['accounts', id, 'channels'])) account.channels = config.defaults.channels as Channel[];
    accounts.set(id, { ...account, id, unsetEnv: own });
  }
  return { file, dir, config, accounts, defaultAccount, source };
}

function hasExplicit(source: SourceDocument, p: string[]): boolean {
  let node: unknown = source.value;
  for (const seg of p) {
    if (!node || typeof node !== 'object' || !(seg in node)) return false;
    node = (node as Record<string, unknown>)[seg];
  }
  return true;
}

function configError(issues: InputError['issues']): InputError {
  return locatedError('CONFIG_INVALID', issues, {
    subject: 'the configuration',
    hint: 'Fix the field named above; every key and value is described in the README under "Configuration".',
  });
}

/**
 * A ca_file is read by the email provider when it connects; a FIFO or a device there would hang that read,
 * so such a path (or one over 1 MiB) is refused here, at its line. A missing file or a folder is left to
 * the email check, which says so.
 */
function checkCaFiles(config: ConfigFile, source: SourceDocument, shown: string): void {
  const issues: InputError['issues'] = [];
  for (const [id, account] of Object.entries(config.accounts)) {
    for (const transport of ['smtp', 'oauth2'] as const) {
      const file = account.email?.[transport]?.ca_file;
      if (!file) continue;
      try {
        assertRegularFile(file, 'caFile');
      } catch (error) {
        // Missing, unreadable or a folder: the email check reports those, with the transport's context.
        if (!(error instanceof UnreadableFileError) || error.reason === 'missing' || error.reason === 'io' || error.isDirectory) continue;
        const at = ['accounts', id, 'email', transport, 'ca_file'];
        issues.push({ path: at.join('.'), file: shown, ...locate(source, at), message: `is ${displayPath(file)}: ${error.detail}` });
      }
    }
  }
  if (issues.length > 0) throw configError(issues);
}

/**
 * A `postgres://` journal holds a password (in the URL or as `password=`): registered as secrets before
 * anything could quote it, a config error included. The whole URL too, as a server may echo it.
 */
function registerJournalSecrets(value: unknown): void {
  const journal = value && typeof value === 'object' ? (value as Record<string, unknown>).journal : undefined;
  if (typeof journal !== 'string' || !isDatabaseUrl(journal)) return;
  redactor.add(journal);
  for (const secret of parseDatabaseUrl(journal)?.secrets ?? []) redactor.add(secret);
}

/**
 * `journal: ${DATABASE_URL}` with the variable unset must not fall back to the default (a fresh local
 * outbox that knows nothing of what the shared one recorded: every invoice would be sent again), and a
 * `postgres://` value must be a URL we can take apart — said without quoting it, as it holds a password.
 */
function checkJournal(config: ConfigFile, source: SourceDocument, shown: string, unsetEnv: Record<string, string>): void {
  // Located only when there is a problem: positions come from the YAML syntax tree, which valid data never loads.
  const at = () => ({ path: 'journal', file: shown, ...locate(source, ['journal']) });
  if (unsetEnv.journal) {
    throw configError([{ ...at(), message: `is \${${unsetEnv.journal}}, which is not set: set ${unsetEnv.journal} to the outbox (a database file or a postgres:// URL). invoice-doctor does not fall back to another outbox, which would not know what was already sent.` }]);
  }
  if (isDatabaseUrl(config.journal) && !parseDatabaseUrl(config.journal)) {
    throw configError([{ ...at(), message: 'is not a valid postgres:// URL: expected postgres://user:password@host:port/database (percent-encode "@", ":" and "/" in the password)' }]);
  }
}

/** Relative paths in the config are relative to the config file's folder, not to the working directory. */
function resolvePaths(config: ConfigFile, dir: string): void {
  const abs = (p: string) => path.resolve(dir, p);
  config.data.invoices = abs(config.data.invoices);
  if (config.data.customers) config.data.customers = abs(config.data.customers);
  if (!isDatabaseUrl(config.journal)) config.journal = abs(config.journal);
  config.plugins = config.plugins.map(abs);
  if (config.remediation) config.remediation = abs(config.remediation);
  for (const account of Object.values(config.accounts)) {
    if (account.email?.smtp?.ca_file) account.email.smtp.ca_file = abs(account.email.smtp.ca_file);
    if (account.email?.oauth2?.ca_file) account.email.oauth2.ca_file = abs(account.email.oauth2.ca_file);
    if (account.email?.file) account.email.file.dir = abs(account.email.file.dir);
    if (account.sms?.file) account.sms.file.dir = abs(account.sms.file.dir);
  }
}
