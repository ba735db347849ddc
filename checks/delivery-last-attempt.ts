import { defineCheck, channelDelivery, paymentState, TWILIO_ERROR_CODES, type CodeMeta, type Remediation } from '../src/index.js';

/**
 * What to do about each Twilio error an undelivered SMS can carry, by the result code TWILIO_ERROR_CODES maps
 * it to (the article's "customer never receives the invoice"). `status` shows the same entries.
 */
const TWILIO_ERROR_REMEDIATION: Readonly<Record<string, Remediation>> = {
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
};

// One code per cause: 21614 and 30006 are both SMS_NOT_MOBILE, summarised by the first error's meaning.
const SMS_CODES: Record<string, CodeMeta> = Object.fromEntries(
  [...new Map(Object.values(TWILIO_ERROR_CODES).map((e) => [e.code, e.meaning])).entries()].map(([code, meaning]) => [
    code,
    { severity: 'fail' as const, summary: `the last SMS was not delivered: ${meaning}`, remediation: TWILIO_ERROR_REMEDIATION[code] },
  ]),
);

export default defineCheck({
  id: 'delivery.last-attempt',
  title: 'Last send arrived',
  description: 'What became of the last send of this invoice on each requested channel, from the outbox journal: the email as the mail server answered it; the SMS as Twilio reports it now (delivered, or undelivered with its error code mapped to a cause: 30034 A2P registration, 30032 toll-free verification, 30007 carrier filtering, 21610 STOP, 21614 not a mobile number …); and whether the payment link was paid. Skipped when nothing was ever sent.',
  category: 'delivery',
  channels: ['email', 'sms'],
  scope: 'invoice',
  needsNetwork: true, // online it asks DNS (recipient.email) / Twilio and Stripe (delivery.last-attempt) …
  runsOffline: true, // … offline it decides everything else and stops before asking (ctx.offline)
  article: ['servinix/invoice-not-sending#gather', 'servinix/send-a-payment-link#troubleshooting'],
  codes: {
    ...SMS_CODES,
    SMS_UNDELIVERED: {
      severity: 'fail',
      summary: 'the last SMS was not delivered (another Twilio error)',
      remediation: {
        cause: 'Twilio reports the last SMS as not delivered, with an error this catalogue has no specific entry for.',
        steps: [
          "Open the error's page (docs link) and the message's log in the Twilio Console (Monitor → Messaging logs) using the message SID.",
          'Fix the cause, then resend with `invoice-doctor send <invoice> --channel sms --resend`, or send by email.',
          "If that didn't work: note the error code and the message SID, and gather the invoice number and the customer's number for support.",
        ],
        docs: 'https://www.twilio.com/docs/api/errors',
      },
    },
    SMS_SEND_FAILED: {
      severity: 'fail',
      summary: 'the last SMS try failed before Twilio took it',
      remediation: {
        cause: 'The last SMS try failed before Twilio took the message (Twilio unreachable, a timeout, or an interrupted run), so nothing was delivered.',
        steps: [
          'Run `invoice-doctor check <invoice>` to confirm the SMS checks pass now.',
          'Send again: `invoice-doctor send <invoice> --channel sms` (a failed try is retried without --resend).',
        ],
      },
    },
    EMAIL_SEND_FAILED: {
      severity: 'fail',
      summary: 'the last email was refused or could not be handed to the server',
      remediation: {
        cause: 'The last email try was refused by the mail server or could not be handed to it, so nothing was delivered.',
        steps: [
          'Read the server reply in the message: 550/553 means the recipient address was refused (check the customer email), 535 means the login failed (Settings → Integrations, Email row: re-authenticate), 4xx means try again later.',
          'Run `invoice-doctor check <invoice>` until email.transport and recipient.email pass.',
          'Send again: `invoice-doctor send <invoice> --channel email` (a failed try is retried without --resend).',
        ],
      },
    },
    EMAIL_UNCONFIRMED: {
      severity: 'warn',
      summary: 'the last email was interrupted while the server was taking it',
      remediation: {
        cause: 'The last email was interrupted after the whole message was handed to the mail server and before its answer was recorded, so it may or may not have been delivered. SMTP offers no way to ask afterwards.',
        steps: [
          "Ask the customer whether the email arrived (search for the invoice number), or look up the Message-ID in the mail server's log.",
          'Record what you found: `invoice-doctor settle <invoice> --channel email --as sent` (it is not sent again) or `--as not-sent` (the next `invoice-doctor send <invoice>` sends it once); add `--note` with your ticket.',
          'Or, without recording a finding, send it again explicitly: `invoice-doctor send <invoice> --channel email --resend`.',
        ],
      },
    },
    SEND_INTERRUPTED: {
      severity: 'warn',
      summary: 'the last send was interrupted before its outcome was recorded',
      remediation: {
        cause: 'The last send was interrupted before its outcome was recorded in the journal.',
        steps: [
          'Run `invoice-doctor send <invoice>` again: it settles the interrupted try first (asks Twilio, or looks for the file) and sends only what provably did not go out.',
          'If Twilio cannot be asked and you have verified the SMS (Twilio console, the customer): `invoice-doctor settle <invoice> --channel sms --as sent|not-sent`.',
        ],
      },
    },
    SMS_STATUS_UNAVAILABLE: {
      severity: 'error',
      summary: "Twilio could not be asked for the SMS's delivery status",
      remediation: {
        cause: "Twilio could not be asked for the SMS's delivery status (network, timeout, rate limit or a Twilio outage), so whether it arrived is unknown.",
        steps: [
          'Run the check again in a minute.',
          'If it persists, check https://status.twilio.com and the sms.account check.',
        ],
      },
    },
    SMS_MESSAGE_NOT_FOUND: {
      severity: 'fail',
      summary: 'Twilio answered 404 for the last SMS: the configured account has no such message',
      remediation: {
        cause: "Twilio answered 404 for the last SMS: the account now configured has no message with that SID. That is a definite answer, not an outage: the SMS was sent from another account or subaccount than the one configured now, the credentials were rotated or replaced by another account's, or the message was deleted (Twilio deletes a message's record when asked to, or when the account's data retention removes it).",
        steps: [
          'Compare accounts.<id>.sms.twilio.account_sid with the account that sent it: the SID is in `invoice-doctor status <invoice> --json` (channels.sms.sid); search for it in the Twilio Console (Monitor → Messaging logs) of each account or subaccount you use.',
          'If the credentials were changed to another account, put back the account that sent it to follow this SMS, or accept that its delivery cannot be followed.',
          'If the message was deleted, ask the customer whether it arrived; to send it again anyway: `invoice-doctor send <invoice> --channel sms --resend`.',
        ],
        docs: 'https://www.twilio.com/docs/api/errors/20404',
      },
    },
  },
  async run(ctx) {
    const { history, problems, journal } = await ctx.facts.sendHistory();
    const lookups = ctx.offline ? {} : { twilioMessage: ctx.facts.twilioMessage, linkPayments: ctx.account.payments.provider === 'stripe' ? ctx.facts.linkPayments : undefined };
    const channels = await Promise.all(ctx.channels.map((c) => channelDelivery(c, history, lookups)));
    const sent = channels.filter((c) => c.state !== 'never');
    const data = {
      journal,
      channels: Object.fromEntries(channels.map(({ channel, message: _m, ...rest }) => [channel, rest])),
      journalProblems: problems.map((p) => ({ offset: p.offset, reason: p.reason })),
    };
    if (sent.length === 0) return ctx.skip(`Never sent on ${ctx.channels.join(' or ')}: there is no delivery to check.`, { ...data, reason: 'never_sent' });
    const payment = await paymentState(history, lookups);
    const paid = payment.paid ? ` The payment link was paid on ${payment.paidAt}.` : '';
    const withPayment = { ...data, payment };
    const worst = sent.find((c) => c.severity === 'fail') ?? sent.find((c) => c.severity === 'error') ?? sent.find((c) => c.severity === 'warn');
    if (!worst) return ctx.pass(`${sent.map((c) => c.message).join(' ')}${paid}`, withPayment);
    const others = sent.filter((c) => c !== worst).map((c) => c.message);
    // Only the channels with a problem of the reported severity are marked: an undelivered SMS says
    // nothing about whether email is ready.
    const concerned = sent.filter((c) => c.severity === worst.severity).map((c) => c.channel);
    const detail = { message: `${worst.message}${others.length ? ` ${others.join(' ')}` : ''}${paid}`, data: { ...withPayment, twilioError: worst.twilioError }, channels: concerned };
    if (worst.severity === 'fail') return ctx.fail(worst.code!, detail);
    if (worst.severity === 'error') return ctx.error(worst.code!, detail);
    return ctx.warn(worst.code!, detail);
  },
});
