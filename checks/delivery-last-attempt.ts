import { defineCheck, channelDelivery, paymentState, TWILIO_ERROR_CODES } from '../src/index.js';

const SMS_CODES = Object.fromEntries(
  [...new Map(Object.values(TWILIO_ERROR_CODES).map((e) => [e.code, e.meaning])).entries()].map(([code, meaning]) => [code, { severity: 'fail' as const, summary: `the last SMS was not delivered: ${meaning}` }]),
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
    SMS_UNDELIVERED: { severity: 'fail', summary: 'the last SMS was not delivered (another Twilio error)' },
    SMS_SEND_FAILED: { severity: 'fail', summary: 'the last SMS try failed before Twilio took it' },
    EMAIL_SEND_FAILED: { severity: 'fail', summary: 'the last email was refused or could not be handed to the server' },
    EMAIL_UNCONFIRMED: { severity: 'warn', summary: 'the last email was interrupted while the server was taking it' },
    SEND_INTERRUPTED: { severity: 'warn', summary: 'the last send was interrupted before its outcome was recorded' },
    SMS_STATUS_UNAVAILABLE: { severity: 'error', summary: "Twilio could not be asked for the SMS's delivery status" },
    SMS_MESSAGE_NOT_FOUND: { severity: 'fail', summary: 'Twilio answered 404 for the last SMS: the configured account has no such message' },
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
