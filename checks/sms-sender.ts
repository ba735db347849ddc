import { codeOf, defineCheck, configGaps, describeGaps, type Fault, isE164, isMessagingServiceSid } from '../src/index.js';
import { sendsThroughTwilio, twilioUnavailable } from './twilio-common.js';
import smsAccount from './sms-account.js';

export default defineCheck({
  id: 'sms.sender',
  title: 'SMS sender number',
  description: 'A sender is configured (a messaging service, a from number, or both); the from number is owned by the Twilio account and can send SMS; and when both are set, the number belongs to the messaging service.',
  category: 'sms',
  channels: ['sms'],
  scope: 'account',
  dependsOn: ['sms.account'],
  needsNetwork: true,
  runsOffline: true,
  appliesTo: sendsThroughTwilio,
  article: 'servinix/invoice-not-sending#3',
  codes: {
    SENDER_NOT_CONFIGURED: {
      severity: 'fail',
      summary: 'no messaging service or from number is configured, or it is malformed',
      remediation: {
        cause: 'No SMS sender is set: invoice-doctor needs a Twilio Messaging Service (MG…) or a from number (+1…) to send from.',
        steps: [
          'Go to Settings → Phone Numbers and pick (or buy) the number invoices are sent from.',
          'Set `accounts.<id>.sms.twilio.messaging_service_sid` (recommended: it carries the A2P campaign) and/or `from`, in E.164 form.',
          'Run the check again.',
        ],
        docs: 'https://www.twilio.com/docs/messaging/services',
      },
    },
    SENDER_NOT_OWNED: {
      severity: 'fail',
      summary: 'the number or messaging service is not in this Twilio account (21606)',
      remediation: {
        cause: 'The sender number or messaging service is not in this Twilio account, so sending from it fails (error 21606).',
        steps: [
          'In the Twilio Console open Phone Numbers → Manage → Active numbers (or Messaging → Services) and check the number or service is listed.',
          'Fix `accounts.<id>.sms.twilio.from` / `messaging_service_sid`, or check that the SID and token belong to the account that owns it.',
        ],
        docs: 'https://www.twilio.com/docs/api/errors/21606',
      },
    },
    SENDER_NOT_SMS_CAPABLE: {
      severity: 'fail',
      summary: 'the number cannot send SMS',
      remediation: {
        cause: 'The sender number cannot send SMS (it is voice-only), so texts from it fail.',
        steps: [
          'In the Twilio Console open Phone Numbers → Active numbers and check the number\'s capabilities.',
          'Buy an SMS-capable number, add it to the messaging service, and update `accounts.<id>.sms.twilio.from`.',
        ],
        docs: 'https://www.twilio.com/docs/api/errors/21606',
      },
    },
    SENDER_NOT_IN_SERVICE: {
      severity: 'fail',
      summary: 'the number is not in the messaging service, or the service has no numbers',
      remediation: {
        cause: 'The from number is not in the messaging service\'s sender pool (or the pool is empty), so messages cannot be sent through the service from it, and the service\'s A2P campaign does not cover it.',
        steps: [
          'In the Twilio Console open Messaging → Services → the service → Sender Pool.',
          'Add the number to the pool (or remove `from` and let the service choose).',
          'Run the check again.',
        ],
        docs: 'https://www.twilio.com/docs/messaging/services',
      },
    },
    // sms.account's code (declared there with its remediation): the same outage, met on another read.
    TWILIO_UNAVAILABLE: codeOf(smsAccount, 'TWILIO_UNAVAILABLE'),
  },
  async run(ctx) {
    const { account } = ctx;
    const t = account.sms?.twilio ?? {};
    const service = t.messaging_service_sid?.trim() || undefined;
    const from = t.from?.trim() || undefined;
    const key = `accounts.${account.id}.sms.twilio`;
    if (!service && !from) {
      const variables = ['sms.twilio.messaging_service_sid', 'sms.twilio.from'].flatMap((f) => (account.unsetEnv[f] ? [account.unsetEnv[f]] : []));
      return ctx.fail('SENDER_NOT_CONFIGURED', { message: `No SMS sender: set ${key}.messaging_service_sid (MG…) or ${key}.from (+1…)${variables.length ? ` (read from \${${variables.join('}, ${')}}, not set in the environment)` : ''}.`, data: { variables } });
    }
    // One sender set, the other read from an unset variable: sending would silently use the one that is set.
    const unsetSender = configGaps(account, [], { section: 'sms.twilio' }).filter((g) => g.field === 'sms.twilio.messaging_service_sid' || g.field === 'sms.twilio.from');
    if (unsetSender.length > 0) return ctx.fail('SENDER_NOT_CONFIGURED', { message: `The SMS sender is not fully configured: ${describeGaps(account, unsetSender)} is empty.`, data: { variables: unsetSender.flatMap((g) => (g.variable ? [g.variable] : [])) } });
    if (service && !isMessagingServiceSid(service)) return ctx.fail('SENDER_NOT_CONFIGURED', { message: `${key}.messaging_service_sid ${JSON.stringify(service)} is not a Messaging Service SID (MG followed by 32 hex digits).`, data: { messagingServiceSid: service } });
    if (from && !isE164(from)) return ctx.fail('SENDER_NOT_CONFIGURED', { message: `${key}.from ${JSON.stringify(from)} is not a phone number in E.164 form (like +14155550100).`, data: { from } });

    const unavailable = (fault: Fault) => twilioUnavailable(ctx, 'the SMS sender', fault);
    const data: Record<string, unknown> = { messagingServiceSid: service, from };
    // Independent reads, asked together: the check waits for the slowest, not for their sum.
    const [numberRead, serviceRead, serviceNumbersRead] = await Promise.all([
      from ? ctx.facts.twilioNumber(from) : undefined,
      service ? ctx.facts.twilioService(service) : undefined,
      service ? ctx.facts.twilioServiceNumbers(service) : undefined,
    ]);

    if (from) {
      const read = numberRead!;
      if (!read.ok) return unavailable(read.fault);
      const number = read.value;
      if (!number) return ctx.fail('SENDER_NOT_OWNED', { message: `${from} (${key}.from) is not a number of Twilio account ${t.account_sid}: sending from it fails with 21606.`, data });
      data.number = number;
      if (!number.sms) return ctx.fail('SENDER_NOT_SMS_CAPABLE', { message: `${from} is owned by the account but cannot send SMS (its capabilities: ${['voice', 'mms'].filter((c) => number[c as 'voice' | 'mms']).join(', ') || 'none'}).`, data });
    }
    if (service) {
      const svc = serviceRead!;
      if (!svc.ok) {
        if (svc.fault.kind === 'not_found') return ctx.fail('SENDER_NOT_OWNED', { message: `Messaging service ${service} (${key}.messaging_service_sid) does not exist in Twilio account ${t.account_sid}.`, data });
        return unavailable(svc.fault);
      }
      data.service = svc.value;
      const numbers = serviceNumbersRead!;
      if (!numbers.ok) return unavailable(numbers.fault);
      data.serviceNumbers = numbers.value.map((n) => n.phoneNumber);
      if (numbers.value.length === 0) return ctx.fail('SENDER_NOT_IN_SERVICE', { message: `Messaging service ${service} (${svc.value.friendlyName}) has no phone numbers in its sender pool, so it has nothing to send from.`, data });
      if (from && !numbers.value.some((n) => n.phoneNumber === from)) {
        return ctx.fail('SENDER_NOT_IN_SERVICE', { message: `${from} is not in messaging service ${service} (${svc.value.friendlyName}), whose numbers are ${numbers.value.map((n) => n.phoneNumber).join(', ')}.`, data });
      }
      if (!from && !numbers.value.some((n) => n.sms)) return ctx.fail('SENDER_NOT_SMS_CAPABLE', { message: `None of the numbers of messaging service ${service} can send SMS.`, data });
      return ctx.pass(`Messaging service ${service} (${svc.value.friendlyName}) sends from ${from ?? numbers.value.map((n) => n.phoneNumber).join(', ')}.`, data);
    }
    return ctx.pass(`${from} is owned by the account and can send SMS.`, data);
  },
});
