import { describe, expect, it } from 'vitest';
import { formatMoney, isKnownCurrency, minorDigits, stripeMinimumCharge } from '../../../src/data/currencies.js';

describe('formatMoney', () => {
  it.each([
    [125000, 'USD', 'US', '$1,250.00'],
    [5, 'USD', 'US', '$0.05'],
    [-2000, 'USD', 'US', '-$20.00'],
    [5000, 'JPY', 'US', '¥5,000'],
    [1234567, 'KWD', 'US', 'KWD 1,234.567'],
    [1, 'KWD', 'US', 'KWD 0.001'],
    [12500, 'GBP', 'GB', '£125.00'],
    [12500, 'usd', 'US', '$125.00'],
  ])('%i %s (%s) → %j', (minor, currency, country, expected) => {
    expect(formatMoney(minor, currency, country)).toBe(expected);
  });

  it('uses zero decimals for JPY and three for KWD', () => {
    expect(formatMoney(5000, 'JPY')).not.toContain('.');
    expect(formatMoney(1500, 'KWD')).toMatch(/1\.500$/);
  });

  it('defaults to US formatting', () => {
    expect(formatMoney(125000, 'USD')).toBe('$1,250.00');
  });

  it.each([
    ['KWD', 'US'],
    ['CHF', 'CH'],
    ['EUR', 'FR'],
    ['EUR', 'DE'],
    ['SEK', 'SE'],
    ['JPY', 'JP'],
    ['USD', 'CA'],
  ])('never outputs a no-break space (U+00A0/U+202F): %s in en-%s', (currency, country) => {
    const out = formatMoney(123456789, currency, country);
    expect(out).not.toMatch(/[\u00a0\u202f]/);
    expect(out).toMatch(/\d/);
  });

  it('falls back to "amount CODE" for a code Intl rejects', () => {
    expect(formatMoney(12345, 'U$D')).toBe('123.45 U$D');
  });
});

describe('stripeMinimumCharge (minor units)', () => {
  it.each([
    ['USD', 50],
    ['JPY', 50],
    ['GBP', 30],
    ['HKD', 400],
    ['EUR', 50],
    ['usd', 50],
  ])('%s → %i', (currency, minimum) => {
    expect(stripeMinimumCharge(currency)).toBe(minimum);
  });

  it('is undefined for a currency with no documented minimum (KWD)', () => {
    expect(stripeMinimumCharge('KWD')).toBeUndefined();
  });
});

describe('isKnownCurrency', () => {
  it.each(['USD', 'GBP', 'EUR', 'JPY', 'KWD', 'gbp'])('accepts %s', (code) => {
    expect(isKnownCurrency(code)).toBe(true);
  });

  it.each(['UKP', 'XAU', 'ABC', '', 'US'])('rejects %j', (code) => {
    expect(isKnownCurrency(code)).toBe(false);
  });
});

describe('minorDigits', () => {
  it.each([
    ['USD', 2],
    ['JPY', 0],
    ['KWD', 3],
    ['clf', 4],
  ])('%s → %i', (code, digits) => {
    expect(minorDigits(code)).toBe(digits);
  });
});
