/**
 * Thrown by a network fact under `--offline`. The runner turns it into a `skip` with reason `offline`:
 * the check decided everything it could before it needed the network, and nothing after.
 */
export class OfflineRead extends Error {
  constructor(
    readonly fact: string,
    /** who would have been asked: Stripe, Twilio, the mail server, DNS */
    readonly service: string,
  ) {
    super(`${fact} needs ${service}, and --offline was given`);
    this.name = 'OfflineRead';
  }
}
