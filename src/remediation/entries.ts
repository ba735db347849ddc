import type { Remediation } from '../engine/types.js';

/**
 * The remediation catalogue: what each code means and what to do, in order, in the words a support
 * engineer can read to a customer. UI paths follow the help-centre articles in shared/seeds; steps that
 * concern invoice-doctor's own configuration name the config key. Support teams override or extend any
 * entry with `remediation: ./our-help-centre.yaml` in the configuration.
 */
export const REMEDIATION: Readonly<Record<string, Remediation>> = {
  // invoice.status
  INVOICE_DRAFT: {
    cause: 'The invoice is still a Draft. Only validated (finalised) invoices can be sent, and only they can carry a payment link.',
    steps: [
      'Open the invoice and review the lines, amounts and customer.',
      'Click "Mark as validated" (in Stripe-backed workspaces: "Finalise invoice").',
      'Send again: Send → Send Email (or Send payment link). A validated, sent invoice moves to the outbox.',
      'If the invoice data is a file, set `status: validated` in it once the invoice is final.',
    ],
  },
  INVOICE_VOID: {
    cause: 'The invoice was voided, so it must not be sent or paid.',
    steps: [
      'Check with the account owner whether the void was intended.',
      'If the customer still owes the amount, create a new invoice (duplicate the voided one) and validate it.',
      'Send the new invoice instead of the voided one.',
    ],
  },
  INVOICE_PAID: {
    cause: 'The invoice is already marked Paid; sending it again would ask the customer to pay twice.',
    steps: [
      'Check the payment on the invoice (Payments → the invoice) and in the "Paid this month" total.',
      'If the customer only needs a copy, send a receipt instead of a payment request.',
      'If the payment was recorded by mistake, remove the payment so the invoice has an outstanding balance, then send it.',
    ],
  },
  // invoice.balance
  BALANCE_ZERO: {
    cause: 'Nothing is outstanding on the invoice: the amount paid equals the total, so there is nothing for a payment link to collect.',
    steps: [
      'Check the payments recorded against the invoice (Payments → the invoice).',
      'If it is settled, mark it Paid instead of sending it.',
      'If a payment was recorded twice or by mistake, remove it; the outstanding balance then reappears.',
    ],
  },
  TOTALS_INCONSISTENT: {
    cause: "The invoice's amounts do not add up: the stated total differs from the sum of its lines, the total is not positive, or more has been paid than the total.",
    steps: [
      'Open the invoice and compare each line (quantity × unit price) with the total shown.',
      'Correct the wrong line, the stated total, or the recorded payment so that total = Σ lines and paid ≤ total.',
      'Remember that amounts in invoice files are integers in minor units: 125.00 USD is 12500.',
    ],
  },
  CURRENCY_UNKNOWN: {
    cause: 'The invoice currency is not an ISO 4217 currency in circulation, so no payment link can be created for it.',
    steps: [
      'Open the invoice and set its currency to a three-letter ISO 4217 code (USD, EUR, GBP, …).',
      "Use the currency your Stripe account settles in (Settings → Payments shows it) unless you have enabled others.",
    ],
    docs: 'https://docs.stripe.com/currencies',
  },
  BELOW_MINIMUM_CHARGE: {
    cause: 'The outstanding amount is below the minimum Stripe will charge in this currency, so the payment link would be rejected.',
    steps: [
      'Collect this small balance another way (cash, check, or add it to the next invoice).',
      'Or record it as written off, so the invoice can be closed.',
    ],
    docs: 'https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts',
  },
  // recipient.email
  EMAIL_MISSING: {
    cause: 'Neither the invoice ("Send to (email)") nor the customer record has an email address.',
    steps: [
      'Open the customer record for the invoice recipient and add a valid email address, then save.',
      'Or set it for this invoice only: the invoice → Mails tab → "Send to (email)" (possible while the invoice is Draft or Not Sent); in invoice files, `send_to: { email: … }`.',
      'Send the invoice again.',
    ],
  },
  EMAIL_INVALID: {
    cause: 'The recipient email address is not one mail can be delivered to (a typo, a name around it, a line break, or a placeholder such as test@example.com).',
    steps: [
      'Open the customer record (or the invoice\'s "Send to (email)" field) and correct the address: just name@domain, no name or angle brackets.',
      'Confirm the address with the customer if you are unsure of the spelling.',
      'Save and send the invoice again.',
    ],
  },
  // recipient.phone
  PHONE_MISSING: {
    cause: 'SMS was requested but neither the invoice nor the customer record has a phone number.',
    steps: [
      'Open the customer record and add a mobile phone number, in international form (+1 415 555 0123) if the customer is abroad, then save.',
      'Or send by email only: choose Email in the send dialog (`--channel email`).',
    ],
  },
  PHONE_INVALID: {
    cause: "The phone number on file is not a valid number for its country (too short or long, wrong prefix, or a missing country code for a number abroad).",
    steps: [
      'Open the customer record and correct the phone number; write numbers abroad with their country code (+44 7700 900123).',
      "Numbers without a country code are read as numbers of the account's country (accounts.<id>.country).",
      'Save and send again.',
    ],
  },
  PHONE_NOT_MOBILE: {
    cause: 'The number on file is a landline or a service number (toll-free, premium-rate), which cannot receive text messages.',
    steps: [
      "Ask the customer for a mobile number and save it on the customer record (or the invoice's send-to phone).",
      'Or send this invoice by email instead (`--channel email`).',
    ],
  },
  // message.email / message.sms
  EMAIL_TEMPLATE_MISSING: {
    cause: 'The email template is empty, so there is no message to send.',
    steps: [
      'Open Settings → Invoicing → Emails → Email Templates and select or write the invoice template.',
      'In invoice-doctor\'s configuration, set accounts.<id>.templates.email_subject and email_text, or remove the empty key to use the built-in template.',
    ],
  },
  PLACEHOLDER_UNRESOLVED: {
    cause: 'The message template uses a placeholder that has no value for this invoice, or is misspelt, so the customer would see raw "{{…}}" text.',
    steps: [
      'Fix the spelling in the template; the placeholders available are listed by `invoice-doctor explain message.email` (or `message.sms`).',
      'If the placeholder is right but the value is missing (e.g. the customer has no name, the invoice no due date), add it to the customer record or the invoice.',
      'Run the check again to confirm the message renders completely.',
    ],
  },
  SUBJECT_INVALID: {
    cause: 'The email subject is empty, too long, or contains a line break, which mail servers reject or which lets text leak into the headers.',
    steps: [
      'Edit the subject template so it renders to one line of at most 255 characters (accounts.<id>.templates.email_subject).',
      'Check the values it includes (invoice number, account name) for stray line breaks.',
    ],
  },
  PAYMENT_LINK_MISSING: {
    cause: 'Payments are on for this account, but the message template has no {{payment_link}}, so the customer would get no way to pay online.',
    steps: [
      'Add {{payment_link}} to the template (accounts.<id>.templates.email_text / email_html / sms).',
      'Or, if this account does not take card payments, set payments.provider: none.',
    ],
  },
  SENDER_MISSING: {
    cause: 'No sender address is configured, so the email would have no From and most servers would refuse it.',
    steps: [
      'Set the sender in Settings → Invoicing → Emails → SMTP Settings (the address your SMTP account is allowed to send as).',
      'In invoice-doctor\'s configuration: accounts.<id>.email.from, e.g. "Acme Plumbing <billing@acme.com>".',
    ],
  },
  SENDER_INVALID: {
    cause: 'The configured sender is not a valid address ("Name <address@domain>" or "address@domain").',
    steps: [
      'Correct accounts.<id>.email.from to the form "Acme Plumbing <billing@acme.com>".',
      'Use an address on a domain you send from (the one your SMTP or email integration is verified for).',
    ],
  },
  SMS_TOO_LONG: {
    cause: 'The text message is longer than the 1,600 characters Twilio accepts, so it would be rejected.',
    steps: [
      'Shorten the SMS template (accounts.<id>.templates.sms): keep the invoice number, amount and link; move details to the email.',
      'Shorten or drop the optional short message.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21617',
  },
  SMS_MULTI_SEGMENT: {
    cause: 'The text message does not fit in one SMS segment, so it is sent and billed as several parts (and some phones show them out of order).',
    steps: [
      'Shorten the SMS template (accounts.<id>.templates.sms) to fit one segment: 160 plain characters, or 70 if it has emoji or other special characters.',
      'This is a warning: the message will still be delivered.',
    ],
  },
  SMS_UNICODE: {
    cause: 'The text message contains characters outside the GSM alphabet (emoji, curly quotes, some accents), which cuts each segment from 160 to 70 characters.',
    steps: [
      'Replace the characters listed (e.g. ’ → \', “ ” → ", – → -) in the template or the customer/account name.',
      "Or enable Twilio's Smart Encoding on the messaging service, which substitutes look-alike characters automatically.",
    ],
    docs: 'https://www.twilio.com/docs/messaging/services/smart-encoding',
  },
  SMS_URL_SHORTENER: {
    cause: 'The text message contains a public URL shortener link; carriers filter such messages as likely spam (Twilio error 30007).',
    steps: [
      'Remove the shortened link from the template or the short message and use the full payment link ({{payment_link}}).',
      "If you need short links, use a branded domain of your own (Twilio's Link Shortening on your messaging service).",
    ],
    docs: 'https://www.twilio.com/docs/api/errors/30007',
  },
  // recipient.email (online)
  EMAIL_DOMAIN_NOT_FOUND: {
    cause: "The domain of the customer's email address does not exist in DNS (or has no server that could receive mail), so every message to it bounces. Usually a typo (gmial.com, .con) or a company that changed its domain.",
    steps: [
      'Confirm the address with the customer (by phone, or from a recent email they sent you).',
      'Correct it in the customer record (email) or on the invoice (Send to (email) / send_to.email), then save.',
      'Run the check again.',
    ],
  },
  EMAIL_DOMAIN_NO_MAIL: {
    cause: "The customer's email domain publishes a \"null MX\" (RFC 7505): it declares that it accepts no email at all. The address cannot receive the invoice.",
    steps: [
      'Ask the customer for an address at a domain that receives mail (often their accounts-payable mailbox).',
      'Update the customer record or the invoice (Send to (email)), then save and run the check again.',
      'If the customer cannot receive email, send the payment link by SMS instead.',
    ],
  },
  EMAIL_DOMAIN_NO_MX: {
    cause: "The customer's email domain has no MX record. Mail may still be delivered to the domain's own address, but many such domains do not run a mail server, so the invoice may never arrive.",
    steps: [
      'Double-check the domain with the customer; a company website domain is not always its mail domain.',
      'If the customer confirms the address, send anyway and watch for a bounce; otherwise correct the address.',
    ],
  },
  DNS_LOOKUP_FAILED: {
    cause: 'The mail records of the domain could not be looked up (the DNS server timed out or failed), so whether it receives mail is unknown.',
    steps: [
      'Run the check again; DNS failures are often transient.',
      'If it persists, check the machine\'s DNS settings, or point `dns.servers` in the configuration at a working resolver.',
      'Use --offline to check everything else without DNS.',
    ],
  },
  // stripe.credentials
  STRIPE_NOT_CONFIGURED: {
    cause: 'No Stripe secret key is configured for this account, so payment links cannot be created ("Stripe is not connected").',
    steps: [
      'In the Stripe Dashboard open Developers → API keys and copy the secret key (or create a restricted key with Accounts: Read and Payment Links: Write).',
      'Store it in the environment variable named in the message (for example STRIPE_SECRET_KEY), never in the configuration file itself.',
      'Or, if this account should not take card payments, set `accounts.<id>.payments.provider: none` to send plain invoices.',
    ],
    docs: 'https://docs.stripe.com/keys',
  },
  STRIPE_KEY_MALFORMED: {
    cause: 'The configured Stripe key is not a secret (sk_…) or restricted (rk_…) API key: often the publishable key (pk_…), a webhook secret, or a truncated copy.',
    steps: [
      'In the Stripe Dashboard open Developers → API keys.',
      'Copy the Secret key (Reveal key) or a restricted key, in full, in the mode you intend (live or test).',
      'Replace the value in the environment variable or `accounts.<id>.payments.stripe.secret_key`, then run the check again.',
    ],
    docs: 'https://docs.stripe.com/keys',
  },
  STRIPE_AUTH_FAILED: {
    cause: 'Stripe rejected the API key: it was revoked, rolled (replaced by a new one) or mistyped.',
    steps: [
      'In the Stripe Dashboard open Developers → API keys and check whether the key was rolled or deleted.',
      'Create or reveal the current key and update the environment variable that `accounts.<id>.payments.stripe.secret_key` reads.',
      'Run the check again.',
    ],
    docs: 'https://docs.stripe.com/keys#rolling-keys',
  },
  STRIPE_PERMISSION_DENIED: {
    cause: 'The key is valid but not allowed to read this account: a restricted key without the needed permission, or a platform key for an account it does not control.',
    steps: [
      'In the Stripe Dashboard open Developers → API keys and edit the restricted key.',
      'Grant Accounts: Read (and Payment Links: Write, needed to send), then save.',
      'Or use the account\'s standard secret key instead, then run the check again.',
    ],
    docs: 'https://docs.stripe.com/keys#limit-access',
  },
  STRIPE_ACCOUNT_NOT_FOUND: {
    cause: 'The connected account id in the configuration does not exist for this key: mistyped, in the other mode (test vs live), or disconnected from the platform.',
    steps: [
      'In the Stripe Dashboard open Connect → Accounts and find the business; copy its account id (acct_…).',
      'Check that the key and the account are in the same mode (test or live).',
      'Set `accounts.<id>.payments.stripe.account` to the id, or remove it to use the key\'s own account; run the check again.',
    ],
    docs: 'https://docs.stripe.com/connect/authentication',
  },
  STRIPE_RESTRICTED_KEY: {
    cause: 'The key is a restricted key. Reading the account works, but whether it may create payment links is only proven when an invoice is sent.',
    steps: [
      'In the Stripe Dashboard open Developers → API keys and check that the restricted key has Payment Links: Write and Prices/Products: Write.',
      'Send a test invoice with --dry-run first, then a real one, and watch for a permission error.',
    ],
    docs: 'https://docs.stripe.com/keys#limit-access',
  },
  STRIPE_MODE_MISMATCH: {
    cause: 'The key\'s mode does not fit where it is used: a test key against Stripe itself creates payment links nobody can really pay (and Stripe sends no email in test mode); a live key sent to a host that is not Stripe exposes it.',
    steps: [
      'For real invoices, use the live secret key (sk_live_… or rk_live_…) from Developers → API keys with the test-mode toggle off.',
      'For a mock server or proxy (`payments.stripe.api_base`), use a test key.',
      'Run the check again.',
    ],
    docs: 'https://docs.stripe.com/keys#test-live-modes',
  },
  STRIPE_UNAVAILABLE: {
    cause: 'Stripe could not be asked: the request timed out, the connection failed, Stripe was rate-limiting (429) or answered with a server error. Whether payments work is unknown.',
    steps: [
      'Run the check again in a minute; check https://status.stripe.com for incidents.',
      'If it persists, check the machine\'s network access to api.stripe.com (proxy, firewall), or `payments.stripe.api_base` if set.',
    ],
    docs: 'https://status.stripe.com',
  },
  // stripe.onboarding
  STRIPE_ONBOARDING_INCOMPLETE: {
    cause: 'Stripe onboarding was started but never completed, so the account cannot take payments and no payment link can be generated ("Complete onboarding").',
    steps: [
      'Go to Settings → Payments and open the Connect tab.',
      'If the status shows "Complete onboarding", click Continue onboarding and finish every step of the Stripe setup (business details, representative, bank account).',
      'Come back and run the check again; returning from Stripe does not by itself mean onboarding is done.',
    ],
    docs: 'https://docs.stripe.com/connect/onboarding',
  },
  STRIPE_REQUIREMENTS_DUE: {
    cause: 'Stripe needs more information before the account can keep (or start) taking payments; the fields still due are listed in the message. Past-due fields block payments now.',
    steps: [
      'Go to Settings → Payments, open the Connect tab and click Continue onboarding.',
      'Provide each item Stripe lists (the message names the requirement fields, e.g. a verification document or a bank account).',
      'Wait for Stripe to verify them (minutes to a few days), then run the check again.',
    ],
    docs: 'https://docs.stripe.com/connect/required-verification-information',
  },
  STRIPE_ACCOUNT_DISABLED: {
    cause: 'Stripe has disabled the account (the reason is in the message: rejected, under review, listed, paused…). Payment links cannot be created until Stripe re-enables it.',
    steps: [
      'Go to Settings → Payments, open the Connect tab, and read the notice Stripe shows for the account.',
      'If Stripe asks for information, provide it via Continue onboarding; if it is under review, wait for Stripe\'s decision.',
      'For a rejection, contact Stripe support from the Stripe Dashboard; meanwhile send invoices without a payment link (`payments.provider: none`).',
    ],
    docs: 'https://docs.stripe.com/connect/handling-api-verification',
  },
  STRIPE_CHARGES_DISABLED: {
    cause: 'The Stripe account cannot take charges (charges_enabled is false) although no requirement is listed; Stripe may still be reviewing it.',
    steps: [
      'Go to Settings → Payments, open the Connect tab and check for notices.',
      'Open the Stripe Dashboard and check Settings → Business for any pending item.',
      'If nothing is pending, contact Stripe support; then run the check again.',
    ],
    docs: 'https://docs.stripe.com/connect/account-capabilities',
  },
  STRIPE_CARD_PAYMENTS_INACTIVE: {
    cause: 'The card_payments capability is not active on the Stripe account, so a payment link cannot take cards ("You cannot create a charge on a connected account without the card_payments capability enabled").',
    steps: [
      'Go to Settings → Payments, open the Connect tab and click Continue onboarding to provide what card payments need.',
      'If the capability is pending, wait for Stripe to verify the information.',
      'Run the check again once card payments show as active.',
    ],
    docs: 'https://docs.stripe.com/connect/account-capabilities#card-payments',
  },
  STRIPE_REQUIREMENTS_EVENTUALLY_DUE: {
    cause: 'Stripe will need more information later (eventually due). Payments work now, but will stop if it is not provided by the deadline.',
    steps: [
      'Go to Settings → Payments, open the Connect tab and click Continue onboarding to provide the listed items early.',
    ],
    docs: 'https://docs.stripe.com/connect/required-verification-information',
  },
  STRIPE_PAYOUTS_DISABLED: {
    cause: 'Customers can pay, but Stripe will not pay the money out (payouts_enabled is false): usually a missing or failed bank account.',
    steps: [
      'Go to Settings → Payments, open the Connect tab and check the bank account (external account) details.',
      'Add or correct the bank account via Continue onboarding.',
    ],
    docs: 'https://docs.stripe.com/payouts',
  },
  // email.transport
  EMAIL_NOT_CONFIGURED: {
    cause: 'The email integration is not set up: there is no email transport, or a setting it needs (host, password, OAuth2 client or refresh token) is empty — often an environment variable that is not set.',
    steps: [
      'Go to Settings → Integrations (or Settings → Invoicing → Emails → SMTP Settings) and connect the email account.',
      'In invoice-doctor\'s configuration, fill in the setting named in the message under `accounts.<id>.email`, or set the environment variable it reads.',
      'Run the check again; the SMTP status should become Verified.',
    ],
  },
  SMTP_AUTH_FAILED: {
    cause: 'The mail server rejected the username and password (the server\'s reply is in the message). The integration shows "Needs Attention": the password was changed, or the provider now requires an app password or OAuth2 (e.g. Gmail 535-5.7.8, Outlook 535 5.7.139 "basic authentication is disabled").',
    steps: [
      'Go to Settings → Integrations, Email row; if it shows "Needs Attention", re-authenticate.',
      'For SMTP settings (Settings → Invoicing → Emails → SMTP Settings): re-enter the username and password; for Gmail or Microsoft 365 create an app password, or switch to OAuth2.',
      'Update the environment variable that `accounts.<id>.email.smtp.pass` reads, then run the check again until the status is Verified.',
    ],
    docs: 'https://nodemailer.com/smtp/',
  },
  SMTP_TLS_FAILED: {
    cause: 'The connection to the mail server could not be secured: its TLS certificate was not issued by a trusted authority, has expired, or does not name the host.',
    steps: [
      'Check that the SMTP host name is exactly the one on the provider\'s documentation (the certificate must name it).',
      'If the server uses a private certificate authority, set `accounts.<id>.email.smtp.ca_file` to its CA certificate (PEM).',
      'Ask the mail provider to renew an expired certificate; then run the check again.',
    ],
  },
  SMTP_TLS_MODE_MISMATCH: {
    cause: 'The TLS setting does not match the port: port 465 uses implicit TLS (secure: true); ports 587 and 25 start in plain text and upgrade with STARTTLS (secure: false). With require_tls, the server must offer STARTTLS.',
    steps: [
      'Look up the provider\'s SMTP settings: port 465 → `secure: true`; port 587 → `secure: false` (STARTTLS).',
      'Fix `accounts.<id>.email.smtp.port` / `secure` (or `require_tls`) to match, then run the check again.',
    ],
    docs: 'https://nodemailer.com/smtp/#tls-options',
  },
  OAUTH_REAUTH_REQUIRED: {
    cause: 'The email integration lost its authorisation: the OAuth2 refresh token was revoked or expired (invalid_grant). This is the "Needs Attention" state; Google also expires tokens after 7 days while the OAuth app is in Testing.',
    steps: [
      'Go to Settings → Integrations and check the Email row; it shows "Needs Attention".',
      'Click re-authenticate (reconnect) and sign in with the sending mailbox, granting mail access.',
      'Store the new refresh token where `accounts.<id>.email.oauth2.refresh_token` reads it, then run the check again.',
      'If it keeps expiring after a week, publish the Google OAuth app (move it out of "Testing").',
    ],
    docs: 'https://developers.google.com/identity/protocols/oauth2#expiration',
  },
  OUTBOX_NOT_WRITABLE: {
    cause: 'The file transport writes each message as an .eml file, but its folder cannot be written (missing permission, or the path is a file).',
    steps: [
      'Check the folder named in the message: it must be a folder the user running invoice-doctor can write to.',
      'Fix the permissions, or point `accounts.<id>.email.file.dir` at a writable folder, then run the check again.',
    ],
  },
  SMTP_AUTH_NOT_TESTED: {
    cause: 'The server did not offer authentication (no AUTH in its EHLO reply), so the configured username and password were never tested; any password would look fine here. The server may still refuse to relay mail to customers.',
    steps: [
      'Check that the host and port are the provider\'s authenticated submission endpoint (usually port 587 with STARTTLS, or 465), not a relay port.',
      'If the server only offers AUTH after STARTTLS, make sure TLS is not disabled.',
      'Send one test invoice to yourself to prove relaying works.',
    ],
  },
  SMTP_UNREACHABLE: {
    cause: 'The mail server (or the OAuth2 token endpoint) could not be used: connection refused, host not found, or a temporary refusal (e.g. 421). Whether the settings are right is unknown.',
    steps: [
      'Check the host and port in Settings → Invoicing → Emails → SMTP Settings (`accounts.<id>.email.smtp.host` / `port`) against the provider\'s documentation.',
      'Check that this machine may connect out on that port (firewalls often block 25 and 465).',
      'Run the check again in a few minutes; a 421 reply is temporary.',
    ],
  },
  SMTP_TIMEOUT: {
    cause: 'The mail server did not answer in time (no connection or no greeting), so whether the settings work is unknown. A wrong port or a firewall dropping packets looks like this.',
    steps: [
      'Check the host and port against the provider\'s documentation.',
      'Check that outbound connections on that port are allowed from this machine.',
      'Run the check again; raise --timeout if the server is slow.',
    ],
  },
  // sms.account
  TWILIO_NOT_CONFIGURED: {
    cause: 'SMS needs a Twilio account, and none is configured for this account ("Twilio account not found"), or its Account SID or auth token is empty.',
    steps: [
      'Go to Settings → Phone Numbers; if you see "Twilio account not found", click Create Twilio Account.',
      'Copy the Account SID (AC…) and auth token from the Twilio Console home page.',
      'Set them where `accounts.<id>.sms.twilio.account_sid` and `auth_token` read them (environment variables), then run the check again.',
    ],
    docs: 'https://www.twilio.com/docs/iam/api/account',
  },
  TWILIO_AUTH_FAILED: {
    cause: 'Twilio refused the Account SID and auth token (error 20003). The token may have been rotated, or the account may be suspended or closed: Twilio gives the same answer for both.',
    steps: [
      'Sign in to the Twilio Console and check the account\'s status on the home page.',
      'If it is active, copy the current auth token (Account Info) and update the variable `accounts.<id>.sms.twilio.auth_token` reads.',
      'If it is suspended or closed, follow the Console\'s instructions or contact Twilio support; then run the check again.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/20003',
  },
  TWILIO_ACCOUNT_SUSPENDED: {
    cause: 'The Twilio account is suspended (often an unpaid balance or a compliance review), so every message is refused (error 30002).',
    steps: [
      'Sign in to the Twilio Console and read the suspension notice.',
      'Resolve it (top up the balance, answer the review) or contact Twilio support.',
      'Run the check again once the account is active.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/30002',
  },
  TWILIO_ACCOUNT_CLOSED: {
    cause: 'The Twilio account is closed; it cannot send messages again.',
    steps: [
      'Go to Settings → Phone Numbers and connect a new Twilio account (Create Twilio Account).',
      'Update `accounts.<id>.sms.twilio` with the new account\'s SID, token and sender, and complete A2P registration again.',
    ],
  },
  TWILIO_TRIAL: {
    cause: 'The Twilio account is a trial: it can only text phone numbers verified in the Console (error 21608 otherwise), and every message is prefixed "Sent from your Twilio trial account".',
    steps: [
      'In the Twilio Console, upgrade the account (Billing → Upgrade).',
      'Until then, only verified numbers (Phone Numbers → Verified Caller IDs) will receive the invoice.',
    ],
    docs: 'https://www.twilio.com/docs/usage/tutorials/how-to-use-your-free-trial-account',
  },
  TWILIO_UNAVAILABLE: {
    cause: 'Twilio could not be asked: the request timed out, the connection failed, Twilio was rate-limiting (429) or answered with a server error. Whether SMS works is unknown.',
    steps: [
      'Run the check again in a minute; check https://status.twilio.com for incidents.',
      'If it persists, check this machine\'s network access to api.twilio.com and messaging.twilio.com.',
    ],
    docs: 'https://status.twilio.com',
  },
  // sms.sender
  SENDER_NOT_CONFIGURED: {
    cause: 'No SMS sender is set: invoice-doctor needs a Twilio Messaging Service (MG…) or a from number (+1…) to send from.',
    steps: [
      'Go to Settings → Phone Numbers and pick (or buy) the number invoices are sent from.',
      'Set `accounts.<id>.sms.twilio.messaging_service_sid` (recommended: it carries the A2P campaign) and/or `from`, in E.164 form.',
      'Run the check again.',
    ],
    docs: 'https://www.twilio.com/docs/messaging/services',
  },
  SENDER_NOT_OWNED: {
    cause: 'The sender number or messaging service is not in this Twilio account, so sending from it fails (error 21606).',
    steps: [
      'In the Twilio Console open Phone Numbers → Manage → Active numbers (or Messaging → Services) and check the number or service is listed.',
      'Fix `accounts.<id>.sms.twilio.from` / `messaging_service_sid`, or check that the SID and token belong to the account that owns it.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21606',
  },
  SENDER_NOT_SMS_CAPABLE: {
    cause: 'The sender number cannot send SMS (it is voice-only), so texts from it fail.',
    steps: [
      'In the Twilio Console open Phone Numbers → Active numbers and check the number\'s capabilities.',
      'Buy an SMS-capable number, add it to the messaging service, and update `accounts.<id>.sms.twilio.from`.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21606',
  },
  SENDER_NOT_IN_SERVICE: {
    cause: 'The from number is not in the messaging service\'s sender pool (or the pool is empty), so messages cannot be sent through the service from it, and the service\'s A2P campaign does not cover it.',
    steps: [
      'In the Twilio Console open Messaging → Services → the service → Sender Pool.',
      'Add the number to the pool (or remove `from` and let the service choose).',
      'Run the check again.',
    ],
    docs: 'https://www.twilio.com/docs/messaging/services',
  },
  // sms.a2p
  A2P_NOT_REGISTERED: {
    cause: 'US carriers block business texts from unregistered 10-digit numbers (error 30034): no A2P 10DLC brand or campaign is registered for this sender ("A2P registration not found").',
    steps: [
      'Go to Settings → Phone Numbers; if it shows "A2P registration not found", start the A2P registration.',
      'In Twilio: register the brand (Messaging → Regulatory Compliance → A2P 10DLC), then a campaign on the messaging service used to send.',
      'Make sure the number is in that messaging service and `accounts.<id>.sms.twilio.messaging_service_sid` names it; run the check again once the campaign is verified.',
    ],
    docs: 'https://www.twilio.com/docs/messaging/compliance/a2p-10dlc',
  },
  A2P_BRAND_NOT_APPROVED: {
    cause: 'The A2P 10DLC brand registration is not approved (pending, in review, failed or suspended; the status and Twilio\'s reasons are in the message), so US texts from 10-digit numbers are blocked.',
    steps: [
      'In the Twilio Console open Messaging → Regulatory Compliance → A2P 10DLC and open the brand.',
      'If it failed, correct the business details Twilio lists (legal name, EIN, address must match the tax records) and resubmit.',
      'If it is pending, wait for the review (usually a few days); then run the check again.',
    ],
    docs: 'https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/troubleshooting-a2p-brands',
  },
  A2P_CAMPAIGN_NOT_VERIFIED: {
    cause: 'The messaging service\'s A2P campaign is not verified yet (or failed; the status and reasons are in the message), so US texts are blocked (error 30034).',
    steps: [
      'In the Twilio Console open Messaging → Services → the service → Compliance info, and read the campaign status.',
      'If it failed, fix what Twilio lists (use case description, sample messages with the opt-out wording, consent flow) and resubmit.',
      'If it is in progress, wait for verification; run the check again afterwards.',
    ],
    docs: 'https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/troubleshooting-a2p-brands',
  },
  TOLLFREE_NOT_VERIFIED: {
    cause: 'The toll-free sender number is not verified, so messages to US and Canadian numbers are blocked (error 30032).',
    steps: [
      'In the Twilio Console open Phone Numbers → Regulatory Compliance → Toll-Free Verifications.',
      'Submit (or fix and resubmit) the verification for the number, with the business details and a sample invoice message.',
      'Run the check again once its status is TWILIO_APPROVED.',
    ],
    docs: 'https://www.twilio.com/docs/messaging/compliance/toll-free/console-onboarding',
  },
  // delivery.last-attempt (the article's "customer never receives the invoice")
  SMS_A2P_UNREGISTERED: {
    cause: 'US carriers blocked the SMS because it came from a 10-digit long code with no A2P 10DLC registration (Twilio error 30034). Twilio accepted the message, then the carrier dropped it.',
    steps: [
      'Go to Settings → Phone Numbers; if it shows "A2P registration not found", start the A2P registration (brand, then campaign).',
      'In the Twilio Console, Messaging → Regulatory Compliance: the brand must be APPROVED and the campaign VERIFIED on the messaging service that sends.',
      'Run `invoice-doctor check <invoice>` until sms.a2p passes, then resend: `invoice-doctor send <invoice> --channel sms --resend`.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/30034',
  },
  SMS_TOLLFREE_UNVERIFIED: {
    cause: 'The SMS was sent from a toll-free number that is not verified, so carriers blocked it to US and Canadian numbers (Twilio error 30032).',
    steps: [
      'In the Twilio Console open Phone Numbers → Regulatory Compliance → Toll-Free Verifications and submit or fix the verification.',
      'Wait for TWILIO_APPROVED (sms.a2p shows it), then resend with `invoice-doctor send <invoice> --channel sms --resend`.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/30032',
  },
  SMS_CARRIER_FILTERED: {
    cause: "The recipient's carrier filtered the SMS as spam (Twilio error 30007). Links, public URL shorteners and repeated identical texts trigger it.",
    steps: [
      'Make the text clearly identify the business and the invoice (the sms template in the configuration); avoid public URL shorteners.',
      'Make sure the sender is registered (A2P 10DLC or toll-free verification): registered traffic is filtered far less.',
      'Send the invoice by email instead (`invoice-doctor send <invoice> --channel email`), or resend the SMS later.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/30007',
  },
  SMS_RECIPIENT_OPTED_OUT: {
    cause: 'The customer replied STOP to this sender, so Twilio refuses to text them (error 21610) until they reply START.',
    steps: [
      'Do not try to work around an opt-out: send the invoice by email instead (`invoice-doctor send <invoice> --channel email`).',
      'If the customer wants texts again, ask them to reply START (or UNSTOP) to the sending number, then resend.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21610',
  },
  SMS_RECIPIENT_BLOCKED: {
    cause: 'The message was blocked on the way to the handset (Twilio error 30004): the recipient blocked the sender, opted out, or the carrier refused it.',
    steps: [
      "Confirm the customer's phone number and ask whether they block texts from unknown senders.",
      'Send the invoice by email instead (`invoice-doctor send <invoice> --channel email`).',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/30004',
  },
  SMS_NOT_MOBILE: {
    cause: "The customer's number is not a mobile number (a landline or a number that cannot receive texts: Twilio errors 21614 / 30006).",
    steps: [
      "Ask the customer for a mobile number and update the customer record's phone (or the invoice's send_to.phone).",
      'Or send the invoice by email (`invoice-doctor send <invoice> --channel email`).',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21614',
  },
  SMS_INVALID_NUMBER: {
    cause: "The customer's phone number is not a valid or existing number (Twilio errors 21211 / 30005).",
    steps: [
      "Check the number on the customer record for typos and a missing country code (E.164, e.g. +14155550123).",
      'Correct it, then resend with `invoice-doctor send <invoice> --channel sms --resend`.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21211',
  },
  SMS_HANDSET_UNREACHABLE: {
    cause: "The customer's phone was unreachable (switched off, out of coverage or roaming; Twilio error 30003).",
    steps: [
      'Resend later (`invoice-doctor send <invoice> --channel sms --resend`), or send by email now.',
      'If it keeps happening, confirm the number with the customer.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/30003',
  },
  SMS_SENDER_NOT_PROVISIONED: {
    cause: 'The carrier has not finished provisioning the sending number (Twilio error 30024), common for a day or two after A2P 10DLC registration.',
    steps: [
      'Wait for the registration to propagate (Twilio Console → the campaign shows VERIFIED and the number is attached), then resend.',
      'If it persists after 72 hours, open a ticket with Twilio support quoting the message SID.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/30024',
  },
  SMS_ACCOUNT_SUSPENDED: {
    cause: 'The Twilio account could not send: it is suspended or closed, or its credentials were refused (Twilio errors 30002 / 20003).',
    steps: [
      'Go to Settings → Phone Numbers; "Twilio account not found" means the account must be reconnected.',
      'Sign in to the Twilio Console and check the account status and billing; reactivate it if suspended.',
      'Run `invoice-doctor check <invoice>` until sms.account passes, then resend.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/30002',
  },
  SMS_TRIAL_UNVERIFIED_RECIPIENT: {
    cause: 'A Twilio trial account can only text numbers verified on the account (error 21608).',
    steps: [
      'Upgrade the Twilio account (Console → Billing → Upgrade), or verify the number under Phone Numbers → Verified Caller IDs.',
      'Then resend with `invoice-doctor send <invoice> --channel sms --resend`.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21608',
  },
  SMS_REGION_NOT_ENABLED: {
    cause: "Texting the recipient's country is not enabled in the Twilio account's Geo Permissions (error 21408).",
    steps: [
      'In the Twilio Console open Messaging → Settings → Geo permissions and enable the country.',
      'Then resend with `invoice-doctor send <invoice> --channel sms --resend`.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21408',
  },
  SMS_ROUTE_NOT_POSSIBLE: {
    cause: "Twilio cannot route a text from this sender to the recipient's number (error 21612), e.g. a US number texting a country it cannot reach.",
    steps: [
      "Use a sender number able to reach the recipient's country (a messaging service with a local number there).",
      'Or send the invoice by email.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21612',
  },
  SMS_SENDER_REJECTED: {
    cause: 'Twilio refused the From number: it is not an SMS-capable number of this account (error 21606).',
    steps: [
      'Run `invoice-doctor check <invoice>`: sms.sender shows whether the number is owned and SMS-capable.',
      'Set accounts.<id>.sms.twilio.from to an owned SMS-capable number, or use messaging_service_sid, then resend.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/21606',
  },
  SMS_UNDELIVERED: {
    cause: 'Twilio reports the last SMS as not delivered, with an error this catalogue has no specific entry for.',
    steps: [
      "Open the error's page (docs link) and the message's log in the Twilio Console (Monitor → Messaging logs) using the message SID.",
      'Fix the cause, then resend with `invoice-doctor send <invoice> --channel sms --resend`, or send by email.',
      "If that didn't work: note the error code and the message SID, and gather the invoice number and the customer's number for support.",
    ],
    docs: 'https://www.twilio.com/docs/api/errors',
  },
  SMS_SEND_FAILED: {
    cause: 'The last SMS try failed before Twilio took the message (Twilio unreachable, a timeout, or an interrupted run), so nothing was delivered.',
    steps: [
      'Run `invoice-doctor check <invoice>` to confirm the SMS checks pass now.',
      'Send again: `invoice-doctor send <invoice> --channel sms` (a failed try is retried without --resend).',
    ],
  },
  EMAIL_SEND_FAILED: {
    cause: 'The last email try was refused by the mail server or could not be handed to it, so nothing was delivered.',
    steps: [
      'Read the server reply in the message: 550/553 means the recipient address was refused (check the customer email), 535 means the login failed (Settings → Integrations, Email row: re-authenticate), 4xx means try again later.',
      'Run `invoice-doctor check <invoice>` until email.transport and recipient.email pass.',
      'Send again: `invoice-doctor send <invoice> --channel email` (a failed try is retried without --resend).',
    ],
  },
  EMAIL_UNCONFIRMED: {
    cause: 'The last email was interrupted after the whole message was handed to the mail server and before its answer was recorded, so it may or may not have been delivered. SMTP offers no way to ask afterwards.',
    steps: [
      "Ask the customer whether the email arrived (search for the invoice number), or look up the Message-ID in the mail server's log.",
      'Record what you found: `invoice-doctor settle <invoice> --channel email --as sent` (it is not sent again) or `--as not-sent` (the next `invoice-doctor send <invoice>` sends it once); add `--note` with your ticket.',
      'Or, without recording a finding, send it again explicitly: `invoice-doctor send <invoice> --channel email --resend`.',
    ],
  },
  SEND_INTERRUPTED: {
    cause: 'The last send was interrupted before its outcome was recorded in the journal.',
    steps: [
      'Run `invoice-doctor send <invoice>` again: it settles the interrupted try first (asks Twilio, or looks for the file) and sends only what provably did not go out.',
      'If Twilio cannot be asked and you have verified the SMS (Twilio console, the customer): `invoice-doctor settle <invoice> --channel sms --as sent|not-sent`.',
    ],
  },
  SMS_MESSAGE_NOT_FOUND: {
    cause: "Twilio answered 404 for the last SMS: the account now configured has no message with that SID. That is a definite answer, not an outage: the SMS was sent from another account or subaccount than the one configured now, the credentials were rotated or replaced by another account's, or the message was deleted (Twilio deletes a message's record when asked to, or when the account's data retention removes it).",
    steps: [
      'Compare accounts.<id>.sms.twilio.account_sid with the account that sent it: the SID is in `invoice-doctor status <invoice> --json` (channels.sms.sid); search for it in the Twilio Console (Monitor → Messaging logs) of each account or subaccount you use.',
      'If the credentials were changed to another account, put back the account that sent it to follow this SMS, or accept that its delivery cannot be followed.',
      'If the message was deleted, ask the customer whether it arrived; to send it again anyway: `invoice-doctor send <invoice> --channel sms --resend`.',
    ],
    docs: 'https://www.twilio.com/docs/api/errors/20404',
  },
  SMS_STATUS_UNAVAILABLE: {
    cause: "Twilio could not be asked for the SMS's delivery status (network, timeout, rate limit or a Twilio outage), so whether it arrived is unknown.",
    steps: [
      'Run the check again in a minute.',
      'If it persists, check https://status.twilio.com and the sms.account check.',
    ],
  },
  // engine
  CHECK_TIMEOUT: {
    cause: 'The check did not finish within its time limit, so the result is unknown, neither pass nor fail.',
    steps: [
      'Run the check again; a slow provider may have recovered.',
      'If it keeps timing out, raise the limit with --timeout (milliseconds) and check the service status of the provider involved.',
    ],
  },
  // the send journal (any check that reads it, e.g. delivery.last-attempt; `send` and `status` print the same)
  JOURNAL_UNREADABLE: {
    cause: 'The send journal (or a folder of its path) cannot be read, so what was already sent is unknown.',
    steps: [
      'Read the message: it names the file and the reason (permission, a folder where a file should be, a disk error).',
      'Fix that, or set `journal:` in the configuration to the right file, then run again. Nothing is sent meanwhile.',
    ],
  },
  JOURNAL_UNWRITABLE: {
    cause: 'The send journal or its lock file cannot be written (read-only file or folder, full disk, read-only file system), so nothing can be sent: every send is recorded before it happens.',
    steps: [
      'Free disk space, or make the folder of `journal:` writable for the user running invoice-doctor, then run again.',
    ],
  },
  JOURNAL_DAMAGED: {
    cause: 'The outbox (the send history) is damaged in a way that could hide a send (SQLite reports corruption, the database or its write-ahead log was truncated, zero-filled or deleted, or a JSONL journal to import has a damaged line), so whether the invoice was already sent is unknown.',
    steps: [
      'Restore the outbox database (with its -wal file) from a backup; for a JSONL journal being imported, repair the line the message names.',
      'Check the providers (the SMTP server, the Twilio console) for what was sent; record an unconfirmed send with `invoice-doctor settle` once the outbox is whole.',
    ],
  },
  INVOICE_LOCKED: {
    cause: 'Another invoice-doctor is sending this invoice (it holds the invoice\'s claim in the outbox), so this run sent nothing.',
    steps: [
      'Wait for the other run to finish, then run again: it will find the invoice sent.',
      'A claim left by a process that died on this host is taken over by the next run, which first settles what that process left unfinished; a claim held on another host waits for that host.',
    ],
  },
  CHECK_CRASHED: {
    cause: 'The check itself failed with an unexpected error, so the result is unknown, neither pass nor fail.',
    steps: [
      'Run again with --verbose to see the stack trace.',
      'If the check is a plugin, fix it or remove it from `plugins` in the configuration; if it is built in, report the trace to the invoice-doctor maintainers.',
    ],
  },
};
