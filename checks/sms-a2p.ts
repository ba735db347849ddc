import { codeOf, defineCheck, type Fault, isNanpLongCode, isNanpTollFree, parsePhone } from '../src/index.js';
import { sendsThroughTwilio, twilioUnavailable } from './twilio-common.js';
import smsAccount from './sms-account.js';

/** Toll-free verification is required for messages to the US and Canada. */
const TOLL_FREE_VERIFIED_FOR = new Set(['US', 'CA']);

type SenderKind = 'us_long_code' | 'toll_free' | 'other';

async function senderKind(number: string): Promise<SenderKind> {
  if (isNanpTollFree(number)) return 'toll_free';
  if (!isNanpLongCode(number)) return 'other';
  const parsed = await parsePhone(number, 'US');
  return parsed.country === 'US' ? 'us_long_code' : 'other';
}

export default defineCheck({
  id: 'sms.a2p',
  title: 'A2P 10DLC / toll-free registration',
  description: "US carriers block unregistered business texting. For a US local long code texting a US number: an APPROVED A2P brand and a VERIFIED campaign on the messaging service. For a toll-free number texting the US or Canada: a TWILIO_APPROVED toll-free verification. Otherwise not applicable.",
  category: 'sms',
  channels: ['sms'],
  // Per invoice because it depends on the recipient's country; the Twilio reads are account facts,
  // fetched once per account however many invoices ask.
  scope: 'invoice',
  dependsOn: ['sms.sender', 'recipient.phone'],
  needsNetwork: true,
  appliesTo: sendsThroughTwilio,
  article: 'servinix/invoice-not-sending#3',
  codes: {
    A2P_NOT_REGISTERED: {
      severity: 'fail',
      summary: 'no A2P 10DLC brand or campaign: US carriers block the messages (30034)',
      remediation: {
        cause: 'US carriers block business texts from unregistered 10-digit numbers (error 30034): no A2P 10DLC brand or campaign is registered for this sender ("A2P registration not found").',
        steps: [
          'Go to Settings → Phone Numbers; if it shows "A2P registration not found", start the A2P registration.',
          'In Twilio: register the brand (Messaging → Regulatory Compliance → A2P 10DLC), then a campaign on the messaging service used to send.',
          'Make sure the number is in that messaging service and `accounts.<id>.sms.twilio.messaging_service_sid` names it; run the check again once the campaign is verified.',
        ],
        docs: 'https://www.twilio.com/docs/messaging/compliance/a2p-10dlc',
      },
    },
    A2P_BRAND_NOT_APPROVED: {
      severity: 'fail',
      summary: 'the A2P brand registration is not approved',
      remediation: {
        cause: 'The A2P 10DLC brand registration is not approved (pending, in review, failed or suspended; the status and Twilio\'s reasons are in the message), so US texts from 10-digit numbers are blocked.',
        steps: [
          'In the Twilio Console open Messaging → Regulatory Compliance → A2P 10DLC and open the brand.',
          'If it failed, correct the business details Twilio lists (legal name, EIN, address must match the tax records) and resubmit.',
          'If it is pending, wait for the review (usually a few days); then run the check again.',
        ],
        docs: 'https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/troubleshooting-a2p-brands',
      },
    },
    A2P_CAMPAIGN_NOT_VERIFIED: {
      severity: 'fail',
      summary: "the messaging service's A2P campaign is not verified",
      remediation: {
        cause: 'The messaging service\'s A2P campaign is not verified yet (or failed; the status and reasons are in the message), so US texts are blocked (error 30034).',
        steps: [
          'In the Twilio Console open Messaging → Services → the service → Compliance info, and read the campaign status.',
          'If it failed, fix what Twilio lists (use case description, sample messages with the opt-out wording, consent flow) and resubmit.',
          'If it is in progress, wait for verification; run the check again afterwards.',
        ],
        docs: 'https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/troubleshooting-a2p-brands',
      },
    },
    TOLLFREE_NOT_VERIFIED: {
      severity: 'fail',
      summary: 'the toll-free number is not verified: messages to the US and Canada are blocked (30032)',
      remediation: {
        cause: 'The toll-free sender number is not verified, so messages to US and Canadian numbers are blocked (error 30032).',
        steps: [
          'In the Twilio Console open Phone Numbers → Regulatory Compliance → Toll-Free Verifications.',
          'Submit (or fix and resubmit) the verification for the number, with the business details and a sample invoice message.',
          'Run the check again once its status is TWILIO_APPROVED.',
        ],
        docs: 'https://www.twilio.com/docs/messaging/compliance/toll-free/console-onboarding',
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
    const recipient = await ctx.facts.recipientPhone();
    const country = recipient?.country;
    const unavailable = (fault: Fault) => twilioUnavailable(ctx, 'the registration', fault);

    // The numbers a message to this customer may go out from.
    let senders: { phoneNumber: string; sid?: string }[];
    if (from) {
      const n = await ctx.facts.twilioNumber(from);
      if (!n.ok) return unavailable(n.fault);
      senders = [{ phoneNumber: from, sid: n.value?.sid }];
    } else {
      const n = await ctx.facts.twilioServiceNumbers(service!);
      if (!n.ok) return unavailable(n.fault);
      senders = n.value.filter((x) => x.sms).map((x) => ({ phoneNumber: x.phoneNumber, sid: x.sid }));
    }
    const kinds = await Promise.all(senders.map(async (s) => ({ ...s, kind: await senderKind(s.phoneNumber) })));
    const longCodes = country === 'US' ? kinds.filter((k) => k.kind === 'us_long_code') : [];
    const tollFree = country && TOLL_FREE_VERIFIED_FOR.has(country) ? kinds.filter((k) => k.kind === 'toll_free') : [];
    const data: Record<string, unknown> = { recipientCountry: country ?? null, senders: kinds.map((k) => ({ phoneNumber: k.phoneNumber, kind: k.kind })) };
    if (longCodes.length === 0 && tollFree.length === 0) {
      return ctx.skip(`Not applicable: ${kinds.map((k) => k.phoneNumber).join(', ') || 'the sender'} to a ${country ?? 'non-US'} number needs neither A2P 10DLC nor toll-free verification.`, { reason: 'not_applicable', ...data });
    }

    if (tollFree.length > 0) {
      for (const number of tollFree) {
        if (!number.sid) continue;
        const v = await ctx.facts.twilioTollfreeVerifications(number.sid);
        if (!v.ok) return unavailable(v.fault);
        const latest = v.value[0];
        data.tollfree = { phoneNumber: number.phoneNumber, status: latest?.status ?? null, rejectionReason: latest?.rejectionReason ?? null };
        if (!latest) return ctx.fail('TOLLFREE_NOT_VERIFIED', { message: `Toll-free number ${number.phoneNumber} has no toll-free verification: messages to ${country} numbers are blocked (30032).`, data });
        if (latest.status !== 'TWILIO_APPROVED') {
          const why = latest.rejectionReason ? ` Reason: ${latest.rejectionReason}.` : '';
          return ctx.fail('TOLLFREE_NOT_VERIFIED', { message: `The toll-free verification of ${number.phoneNumber} is ${latest.status}, not TWILIO_APPROVED: messages to ${country} numbers are blocked (30032).${why}`, data });
        }
      }
      if (longCodes.length === 0) return ctx.pass(`Toll-free verification approved for ${tollFree.map((n) => n.phoneNumber).join(', ')}.`, data);
    }

    // US 10-digit long code to a US number: A2P 10DLC.
    const [brands, campaignsRead] = await Promise.all([ctx.facts.twilioBrands(), service ? ctx.facts.twilioCampaigns(service) : undefined]);
    if (!brands.ok) return unavailable(brands.fault);
    data.brands = brands.value.map((b) => ({ sid: b.sid, status: b.status, failureReason: b.failureReason ?? null, errors: b.errors }));
    const numbers = longCodes.map((n) => n.phoneNumber).join(', ');
    if (brands.value.length === 0) {
      return ctx.fail('A2P_NOT_REGISTERED', { message: `No A2P 10DLC brand is registered on the Twilio account, so US carriers block texts from ${numbers} to US numbers (30034).`, data });
    }
    if (!service) {
      return ctx.fail('A2P_NOT_REGISTERED', { message: `${numbers} is used without a messaging service (only accounts.${account.id}.sms.twilio.from is set); A2P 10DLC campaigns live on a messaging service, so messages from it are unregistered (30034).`, data });
    }
    const campaigns = campaignsRead!;
    if (!campaigns.ok) return unavailable(campaigns.fault);
    data.campaigns = campaigns.value.map((c) => ({ sid: c.sid, status: c.campaignStatus, usecase: c.usecase ?? null, errors: c.errors }));
    const verified = campaigns.value.find((c) => c.campaignStatus === 'VERIFIED');
    const brandOf = (sid?: string) => brands.value.find((b) => b.sid === sid);
    const approved = brands.value.filter((b) => b.status === 'APPROVED');
    const brandOfCampaign = brandOf(verified?.brandRegistrationSid ?? campaigns.value[0]?.brandRegistrationSid);
    const brand = brandOfCampaign ?? approved[0] ?? brands.value[0]!;
    if (brand.status !== 'APPROVED') {
      const why = [brand.failureReason, ...brand.errors].filter(Boolean).map((x) => x!.replace(/\.$/, '')).join('; ');
      return ctx.fail('A2P_BRAND_NOT_APPROVED', { message: `A2P brand ${brand.sid} is ${brand.status}, not APPROVED${why ? `: ${why}` : ''}.`, data });
    }
    if (campaigns.value.length === 0) {
      return ctx.fail('A2P_NOT_REGISTERED', { message: `Brand ${brand.sid} is approved, but messaging service ${service} has no A2P campaign, so texts to US numbers are blocked (30034).`, data });
    }
    if (!verified) {
      const c = campaigns.value[0]!;
      return ctx.fail('A2P_CAMPAIGN_NOT_VERIFIED', { message: `The A2P campaign ${c.sid} of messaging service ${service} is ${c.campaignStatus}, not VERIFIED${c.errors.length ? `: ${c.errors.map((x) => x.replace(/\.$/, '')).join('; ')}` : ''}.`, data });
    }
    return ctx.pass(`A2P 10DLC: brand ${brand.sid} approved, campaign ${verified.sid} verified on ${service}.`, data);
  },
});
