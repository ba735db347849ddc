import { Option } from 'commander';

/** The texts of `--help` longer than a line, and the options every command words alike. */

export const NO_COLOR = 'plain output without colours (also: NO_COLOR=1)';

/** --config: where the configuration is (or, for the catalogue commands, what it adds). */
export const configOption = (description = 'configuration file (default: $INVOICE_DOCTOR_CONFIG, then ./invoice-doctor.yaml)') => new Option('--config <file>', description);

/** Shown after the options: each command's exit codes (src/app/exit-codes.ts) and, for the program, examples. */
export const HELP = {
  program: `
Exit codes: 0 ready · 1 not ready (a check failed) · 2 usage, config or input error · 3 could not determine (a check errored)
Examples:
  $ invoice-doctor check INV-1002 --config fixtures/demo/invoice-doctor.yaml
  $ invoice-doctor check --all --status validated --json
  $ invoice-doctor send INV-1002 --channel email,sms --dry-run
  $ invoice-doctor send --all --status validated --dry-run
  $ invoice-doctor status INV-1002
  $ invoice-doctor settle INV-1002 --channel email --as sent --note "customer confirmed"
  $ invoice-doctor explain STRIPE_ONBOARDING_INCOMPLETE`,
  send: `
Exit codes: 0 sent (or already sent) · 1 refused by a failing check, cancelled, or rejected by a provider · 2 usage or input error · 3 outcome unknown, or a service did not answer (nothing sent twice on re-run) · 130/143 stopped by SIGINT/SIGTERM: deliveries in flight finished and were recorded, nothing more started (a second signal exits at once)`,
  status: `
Exit codes: 0 nothing wrong to report · 1 the last send failed or was not delivered · 2 usage or input error · 3 Twilio or Stripe could not be asked`,
  settle: `
Exit codes: 0 recorded · 2 usage or input error, or nothing unknown to settle on that channel · 3 nothing recorded now (the invoice is being sent right now, or the journal cannot be read, written or trusted)`,
};
