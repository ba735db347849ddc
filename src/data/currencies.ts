/**
 * ISO 4217 currencies in circulation (fund and precious-metal codes excluded: nobody invoices in XAU),
 * with their minor-unit digits. Invoice amounts are integers in these minor units.
 */
const ACTIVE =
  'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG';

const DIGITS: Record<string, number> = {
  ...Object.fromEntries('BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF'.split(' ').map((c) => [c, 0])),
  ...Object.fromEntries('BHD IQD JOD KWD LYD OMR TND'.split(' ').map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
};

const KNOWN: ReadonlySet<string> = new Set(ACTIVE.split(' '));

export function isKnownCurrency(code: string): boolean {
  return KNOWN.has(code.toUpperCase());
}

export function minorDigits(code: string): number {
  return DIGITS[code.toUpperCase()] ?? 2;
}

/**
 * Stripe's minimum charge per currency, in major units (docs.stripe.com/currencies, "Minimum and maximum
 * charge amounts"). Currencies absent here have no documented minimum we can check offline.
 */
const MINIMUM_CHARGE_MAJOR: Record<string, number> = {
  USD: 0.5, AED: 2, AUD: 0.5, BGN: 1, BRL: 0.5, CAD: 0.5, CHF: 0.5, CZK: 15, DKK: 2.5, EUR: 0.5, GBP: 0.3,
  HKD: 4, HUF: 175, INR: 0.5, JPY: 50, MXN: 10, MYR: 2, NOK: 3, NZD: 0.5, PLN: 2, RON: 2, SEK: 3, SGD: 0.5, THB: 10,
};

/** The minimum in the invoice's minor units, or undefined when Stripe documents none for the currency. */
export function stripeMinimumCharge(code: string): number | undefined {
  const major = MINIMUM_CHARGE_MAJOR[code.toUpperCase()];
  return major === undefined ? undefined : Math.round(major * 10 ** minorDigits(code));
}

const formatters = new Map<string, Intl.NumberFormat | null>();

/** Constructing an Intl formatter costs milliseconds; a batch formats thousands of amounts. */
function formatterFor(code: string, country: string, digits: number): Intl.NumberFormat | null {
  const key = `${country}:${code}`;
  let f = formatters.get(key);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat(`en-${country}`, { style: 'currency', currency: code, minimumFractionDigits: digits, maximumFractionDigits: digits });
    } catch {
      f = null;
    }
    formatters.set(key, f);
  }
  return f;
}

/** Formats integer minor units for people, e.g. 125000 USD → "$1,250.00" (locale from the account's country). */
export function formatMoney(minor: number, currency: string, country = 'US'): string {
  const digits = minorDigits(currency);
  const code = currency.toUpperCase();
  const f = formatterFor(code, country, digits);
  // Intl separates some symbols with a no-break space, which is not in the GSM-7 SMS alphabet.
  return f ? f.format(minor / 10 ** digits).replace(/[\u00a0\u202f]/g, ' ') : `${(minor / 10 ** digits).toFixed(digits)} ${code}`;
}
