import * as z from 'zod';
import { COUNTRIES } from './countries.js';
import { LIMITS, text } from './limits.js';

const port = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  z.number().int().min(1).max(65535),
);
const bool = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const httpUrl = text(LIMITS.path).regex(/^https?:\/\/[^\s/]+/, 'expected an http(s):// URL such as http://127.0.0.1:12111');
const channel = z.enum(['email', 'sms']);
const isRegion = (code: string) => COUNTRIES.has(code);
const id = text(LIMITS.id).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected letters, digits, ".", "_" or "-"');

export const StripeSchema = z.strictObject({
  secret_key: text(LIMITS.secret).optional(),
  account: text(LIMITS.setting).regex(/^acct_[A-Za-z0-9]+$/, 'expected a connected account id like acct_1Nv0Fg2eZvKYlo2C').optional(),
  api_base: httpUrl.optional(),
  /** batch send: payment-link requests per second (default 20 with a test key, 80 with a live key) */
  rate_per_second: z.number().positive().optional(),
});

export const PaymentsSchema = z.strictObject({
  provider: z.enum(['stripe', 'none']),
  stripe: StripeSchema.optional(),
});

export const FileTransportSchema = z.strictObject({ dir: text(LIMITS.path).min(1) });

export const SmtpSchema = z.strictObject({
  host: text(LIMITS.host).optional(),
  port: port.optional(),
  secure: bool.optional(),
  require_tls: bool.optional(),
  user: text(LIMITS.from).optional(),
  pass: text(LIMITS.secret).optional(),
  ca_file: text(LIMITS.path).optional(),
});

export const OAuth2Schema = z.strictObject({
  user: text(LIMITS.from).optional(),
  client_id: text(LIMITS.secret).optional(),
  client_secret: text(LIMITS.secret).optional(),
  refresh_token: text(LIMITS.secret).optional(),
  token_url: httpUrl.optional(),
  host: text(LIMITS.host).optional(),
  port: port.optional(),
  secure: bool.optional(),
  ca_file: text(LIMITS.path).optional(),
});

/** batch send: SMTP connections reused across messages (smtp and oauth2 transports) */
export const EmailPoolSchema = z.strictObject({
  max_connections: z.number().int().min(1).max(50).optional(),
  max_messages: z.number().int().min(1).optional(),
});

export const EmailSchema = z.strictObject({
  from: text(LIMITS.from).optional(),
  transport: z.enum(['smtp', 'oauth2', 'file']),
  /** batch send: messages per second for this account (default 10) */
  rate_per_second: z.number().positive().optional(),
  pool: EmailPoolSchema.optional(),
  smtp: SmtpSchema.optional(),
  oauth2: OAuth2Schema.optional(),
  file: FileTransportSchema.optional(),
});

export const TwilioSchema = z.strictObject({
  account_sid: text(LIMITS.setting).optional(),
  auth_token: text(LIMITS.secret).optional(),
  messaging_service_sid: text(LIMITS.setting).optional(),
  from: text(LIMITS.setting).optional(),
  api_base: httpUrl.optional(),
  /** batch send: messages per second per sender (the `from` number or the messaging service; default 1) */
  rate_per_second: z.number().positive().optional(),
});

export const SmsSchema = z.strictObject({
  transport: z.enum(['twilio', 'file']),
  twilio: TwilioSchema.optional(),
  file: FileTransportSchema.optional(),
});

export const TemplatesSchema = z.strictObject({
  email_subject: text(LIMITS.template).optional(),
  email_text: text(LIMITS.template).optional(),
  email_html: text(LIMITS.template).optional(),
  sms: text(LIMITS.template).optional(),
});

export const AccountSchema = z.strictObject({
  name: text(LIMITS.name).min(1),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, { message: 'expected a two-letter ISO 3166 country code in capitals, such as US or GB', abort: true })
    .refine(isRegion, 'is not an ISO 3166 country code (e.g. US, GB for the United Kingdom, DE, AU)'),
  channels: z.array(channel).min(1).max(LIMITS.entries).default(['email']),
  payments: PaymentsSchema.default({ provider: 'none' }),
  email: EmailSchema.optional(),
  sms: SmsSchema.optional(),
  templates: TemplatesSchema.default({}),
});

export const ConfigSchema = z.strictObject({
  version: z.literal(1),
  data: z.strictObject({
    invoices: text(LIMITS.path).min(1),
    customers: text(LIMITS.path).min(1).optional(),
  }),
  journal: text(LIMITS.path).min(1).default('./.invoice-doctor/outbox.db'),
  defaults: z
    .strictObject({
      account: id.optional(),
      channels: z.array(channel).min(1).max(LIMITS.entries).optional(),
    })
    .default({}),
  dns: z
    .strictObject({
      servers: z.array(text(LIMITS.host)).min(1).max(LIMITS.entries).optional(),
      timeout_ms: z.number().int().positive().optional(),
    })
    .optional(),
  /** the shared outbox (`journal: postgres://…`): its connection pool, timeouts and claim lease (docs/outbox-postgres.md) */
  outbox: z
    .strictObject({
      pool_max: z.number().int().min(1).max(100).default(10),
      connect_timeout_ms: z.number().int().min(100).max(600_000).default(5_000),
      query_timeout_ms: z.number().int().min(100).max(600_000).default(15_000),
      lease_seconds: z.number().int().min(3).max(3_600).default(30),
    })
    .prefault({}),
  plugins: z.array(text(LIMITS.path).min(1)).max(LIMITS.entries).default([]),
  remediation: text(LIMITS.path).min(1).optional(),
  accounts: z.record(id, AccountSchema).refine((a) => Object.keys(a).length > 0, 'at least one account is required'),
});

export type ConfigInput = z.input<typeof ConfigSchema>;
export type ConfigFile = z.output<typeof ConfigSchema>;
export type AccountConfig = z.output<typeof AccountSchema>;
export type Channel = z.output<typeof channel>;
export const CHANNELS: readonly Channel[] = channel.options;
