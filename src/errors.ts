/** Where in an input file a problem was found. */
export interface InputIssue {
  /** dotted path of the field, e.g. `accounts.acme.payments.provider` */
  path: string;
  file?: string;
  line?: number;
  column?: number;
  message: string;
}

export type InputErrorCode =
  | 'USAGE'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'DATA_INVALID'
  | 'INVOICE_NOT_FOUND'
  | 'PLUGIN_INVALID'
  | 'REMEDIATION_INVALID'
  | 'CHECK_NOT_FOUND'
  | 'OUTPUT_FAILED'
  /** `settle`: the channel has no try whose outcome is unknown */
  | 'NOTHING_TO_SETTLE';

/**
 * Bad input from the user: exit 2, nothing checked. The message is one paragraph a person can act on;
 * `issues` locate each problem (file, line, column, field) and `hint` says what to do next.
 */
export class InputError extends Error {
  readonly code: InputErrorCode;
  readonly issues: InputIssue[];
  readonly hint?: string;

  constructor(code: InputErrorCode, message: string, options: { issues?: InputIssue[]; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InputError';
    this.code = code;
    this.issues = options.issues ?? [];
    this.hint = options.hint;
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}

export function formatLocation(issue: Pick<InputIssue, 'file' | 'line' | 'column'>): string {
  if (!issue.file) return '';
  if (issue.line === undefined) return issue.file;
  return `${issue.file}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`;
}

/**
 * One error for a list of located problems: the message leads with the first ("file:line:col: field
 * problem") and says how many more follow in `issues`, so one bad run never hides the rest.
 */
export function locatedError(code: InputErrorCode, issues: InputIssue[], options: { subject: string; hint: string }): InputError {
  const first = issues[0]!;
  const where = formatLocation(first);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''}, listed below)` : '';
  return new InputError(code, `${where ? `${where}: ` : ''}${first.path || options.subject} ${first.message}${more}`, { issues, hint: options.hint });
}

export type StateErrorCode = 'JOURNAL_UNREADABLE' | 'JOURNAL_UNWRITABLE' | 'JOURNAL_DAMAGED' | 'INVOICE_LOCKED';

/**
 * The send state (journal, its index, the invoice locks) cannot be read or written, does not add up, or
 * another process holds the invoice:
 * exit 3, nothing sent. Not a bug to report: the message names the file and what went wrong, `hint`
 * says what to do. Never "nothing was sent before" — that is exactly what cannot be known.
 */
export class StateError extends Error {
  readonly code: StateErrorCode;
  readonly file: string;
  readonly hint: string;

  constructor(code: StateErrorCode, message: string, file: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateError';
    this.code = code;
    this.file = file;
    this.hint = hint;
  }
}
