import { defineCheck, reportFindings, type Finding } from '../src/index.js';

/** What each `requirements.disabled_reason` means, in a support engineer's words. */
const DISABLED_REASONS: Record<string, string> = {
  'action_required.requested_capabilities': 'capabilities were requested that need action in the Stripe Dashboard',
  listed: 'the account is on a prohibited persons or companies list (Stripe is investigating)',
  other: 'Stripe disabled it for another reason (contact Stripe support)',
  platform_paused: 'the platform paused the account',
  'rejected.fraud': 'Stripe rejected the account for suspected fraud',
  'rejected.incomplete_verification': 'Stripe rejected the account because verification was not completed in time',
  'rejected.listed': 'Stripe rejected the account: it is on a prohibited list',
  'rejected.other': 'Stripe rejected the account for another reason',
  'rejected.platform_fraud': 'the platform rejected the account for suspected fraud',
  'rejected.platform_other': 'the platform rejected the account',
  'rejected.platform_terms_of_service': 'the platform rejected the account for a terms-of-service violation',
  'rejected.terms_of_service': "Stripe rejected the account for violating Stripe's terms of service",
  'requirements.past_due': 'required information is past due',
  'requirements.pending_verification': 'Stripe is still verifying submitted information',
  under_review: 'Stripe is reviewing the account',
};

const list = (fields: readonly string[], max = 6) => (fields.length <= max ? fields.join(', ') : `${fields.slice(0, max).join(', ')} and ${fields.length - max} more`);
const date = (epoch: number | null | undefined) => (epoch ? new Date(epoch * 1000).toISOString().slice(0, 10) : undefined);

export default defineCheck({
  id: 'stripe.onboarding',
  title: 'Stripe onboarding complete',
  description: "The Stripe account can take card payments now: onboarding details submitted, charges enabled, nothing currently due or past due, not disabled, and the card_payments capability active. Warns when information will be due later or payouts are off.",
  category: 'payments',
  channels: ['email', 'sms'],
  scope: 'account',
  dependsOn: ['stripe.credentials'],
  needsNetwork: true,
  appliesTo: (ctx) => ctx.account.payments.provider === 'stripe' || 'Not applicable: payments are off for this account (payments.provider: none), so no payment link is sent.',
  article: ['servinix/invoice-not-sending#1', 'servinix/send-a-payment-link#before'],
  codes: {
    STRIPE_ONBOARDING_INCOMPLETE: {
      severity: 'fail',
      summary: 'onboarding was never finished ("Complete onboarding")',
      remediation: {
        cause: 'Stripe onboarding was started but never completed, so the account cannot take payments and no payment link can be generated ("Complete onboarding").',
        steps: [
          'Go to Settings → Payments and open the Connect tab.',
          'If the status shows "Complete onboarding", click Continue onboarding and finish every step of the Stripe setup (business details, representative, bank account).',
          'Come back and run the check again; returning from Stripe does not by itself mean onboarding is done.',
        ],
        docs: 'https://docs.stripe.com/connect/onboarding',
      },
    },
    STRIPE_REQUIREMENTS_DUE: {
      severity: 'fail',
      summary: 'Stripe needs more information now (currently due or past due)',
      remediation: {
        cause: 'Stripe needs more information before the account can keep (or start) taking payments; the fields still due are listed in the message. Past-due fields block payments now.',
        steps: [
          'Go to Settings → Payments, open the Connect tab and click Continue onboarding.',
          'Provide each item Stripe lists (the message names the requirement fields, e.g. a verification document or a bank account).',
          'Wait for Stripe to verify them (minutes to a few days), then run the check again.',
        ],
        docs: 'https://docs.stripe.com/connect/required-verification-information',
      },
    },
    STRIPE_ACCOUNT_DISABLED: {
      severity: 'fail',
      summary: 'Stripe disabled the account (requirements.disabled_reason)',
      remediation: {
        cause: 'Stripe has disabled the account (the reason is in the message: rejected, under review, listed, paused…). Payment links cannot be created until Stripe re-enables it.',
        steps: [
          'Go to Settings → Payments, open the Connect tab, and read the notice Stripe shows for the account.',
          'If Stripe asks for information, provide it via Continue onboarding; if it is under review, wait for Stripe\'s decision.',
          'For a rejection, contact Stripe support from the Stripe Dashboard; meanwhile send invoices without a payment link (`payments.provider: none`).',
        ],
        docs: 'https://docs.stripe.com/connect/handling-api-verification',
      },
    },
    STRIPE_CHARGES_DISABLED: {
      severity: 'fail',
      summary: 'the account cannot take charges',
      remediation: {
        cause: 'The Stripe account cannot take charges (charges_enabled is false) although no requirement is listed; Stripe may still be reviewing it.',
        steps: [
          'Go to Settings → Payments, open the Connect tab and check for notices.',
          'Open the Stripe Dashboard and check Settings → Business for any pending item.',
          'If nothing is pending, contact Stripe support; then run the check again.',
        ],
        docs: 'https://docs.stripe.com/connect/account-capabilities',
      },
    },
    STRIPE_CARD_PAYMENTS_INACTIVE: {
      severity: 'fail',
      summary: 'the card_payments capability is not active, so payment links fail',
      remediation: {
        cause: 'The card_payments capability is not active on the Stripe account, so a payment link cannot take cards ("You cannot create a charge on a connected account without the card_payments capability enabled").',
        steps: [
          'Go to Settings → Payments, open the Connect tab and click Continue onboarding to provide what card payments need.',
          'If the capability is pending, wait for Stripe to verify the information.',
          'Run the check again once card payments show as active.',
        ],
        docs: 'https://docs.stripe.com/connect/account-capabilities#card-payments',
      },
    },
    STRIPE_REQUIREMENTS_EVENTUALLY_DUE: {
      severity: 'warn',
      summary: 'information will be needed later; payments keep working until then',
      remediation: {
        cause: 'Stripe will need more information later (eventually due). Payments work now, but will stop if it is not provided by the deadline.',
        steps: [
          'Go to Settings → Payments, open the Connect tab and click Continue onboarding to provide the listed items early.',
        ],
        docs: 'https://docs.stripe.com/connect/required-verification-information',
      },
    },
    STRIPE_PAYOUTS_DISABLED: {
      severity: 'warn',
      summary: 'payments can be taken but not paid out',
      remediation: {
        cause: 'Customers can pay, but Stripe will not pay the money out (payouts_enabled is false): usually a missing or failed bank account.',
        steps: [
          'Go to Settings → Payments, open the Connect tab and check the bank account (external account) details.',
          'Add or correct the bank account via Continue onboarding.',
        ],
        docs: 'https://docs.stripe.com/payouts',
      },
    },
  },
  async run(ctx) {
    const read = await ctx.facts.stripeAccount();
    // stripe.credentials, which this depends on, has already reported any fault of this same read.
    if (!read.ok) return ctx.skip('Blocked: the Stripe account could not be read.', { reason: 'blocked' });
    const a = read.value;
    const req = a.requirements;
    const currentlyDue = req?.currently_due ?? [];
    const pastDue = req?.past_due ?? [];
    const eventuallyDue = (req?.eventually_due ?? []).filter((f) => !currentlyDue.includes(f) && !pastDue.includes(f));
    const disabledReason = req?.disabled_reason ?? undefined;
    const cardPayments = a.capabilities?.card_payments;
    const facts = {
      account: a.id,
      detailsSubmitted: a.details_submitted,
      chargesEnabled: a.charges_enabled,
      payoutsEnabled: a.payouts_enabled,
      disabledReason: disabledReason ?? null,
      currentlyDue,
      pastDue,
      eventuallyDue,
      currentDeadline: date(req?.current_deadline),
      cardPayments: cardPayments ?? null,
      errors: (req?.errors ?? []).map((e) => ({ requirement: e.requirement, code: e.code, reason: e.reason })),
    };
    const due = [...new Set([...pastDue, ...currentlyDue])];
    const errorsText = facts.errors.length ? ` Stripe says: ${facts.errors.map((e) => `${e.requirement}: ${e.reason}`).join('; ')}.` : '';
    const findings: Finding[] = [];

    if (!a.details_submitted) {
      findings.push({ code: 'STRIPE_ONBOARDING_INCOMPLETE', severity: 'fail', message: `Stripe onboarding for ${a.id} was never completed (details_submitted is false)${due.length ? `; still needed: ${list(due)}` : ''}.` });
    } else if (disabledReason && disabledReason !== 'requirements.past_due') {
      const why = DISABLED_REASONS[disabledReason] ?? 'for a reason this version of invoice-doctor does not know';
      findings.push({ code: 'STRIPE_ACCOUNT_DISABLED', severity: 'fail', message: `Stripe has disabled ${a.id}: ${why} (disabled_reason ${disabledReason}).${errorsText}` });
    }
    if (a.details_submitted && due.length > 0) {
      const deadline = facts.currentDeadline ? ` by ${facts.currentDeadline}` : '';
      const what = pastDue.length ? `past due (payments are blocked until provided): ${list(pastDue)}` : `due now${deadline}: ${list(currentlyDue)}`;
      findings.push({ code: 'STRIPE_REQUIREMENTS_DUE', severity: 'fail', message: `Stripe needs more information for ${a.id}, ${what}${disabledReason === 'requirements.past_due' ? ' (disabled_reason requirements.past_due)' : ''}.${errorsText}` });
    }
    if (!a.charges_enabled && findings.length === 0) {
      findings.push({ code: 'STRIPE_CHARGES_DISABLED', severity: 'fail', message: `${a.id} cannot take charges (charges_enabled is false), though nothing is listed as due.` });
    }
    if (cardPayments !== undefined && cardPayments !== 'active') {
      findings.push({ code: 'STRIPE_CARD_PAYMENTS_INACTIVE', severity: 'fail', message: `The card_payments capability of ${a.id} is ${cardPayments}, so a payment link cannot take cards.` });
    }
    if (eventuallyDue.length > 0) {
      findings.push({ code: 'STRIPE_REQUIREMENTS_EVENTUALLY_DUE', severity: 'warn', message: `Stripe will need more information for ${a.id} later: ${list(eventuallyDue)}.` });
    }
    if (!a.payouts_enabled && a.charges_enabled) {
      findings.push({ code: 'STRIPE_PAYOUTS_DISABLED', severity: 'warn', message: `${a.id} can take payments but payouts are disabled: money collected stays in the Stripe balance.` });
    }
    return reportFindings(ctx, findings, `${a.id}: onboarding complete, charges and payouts enabled, card payments active.`, facts);
  },
});
