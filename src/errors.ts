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
  | 'OUTPUT_FAILED';

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
