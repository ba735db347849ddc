import { createRequire } from 'node:module';
import { parsePhoneNumberFromString, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';

// libphonenumber-js's `max` metadata, the only set that tells mobile numbers from landlines. Read as
// JSON at run time: JSON.parse is several times faster than compiling the same data as a JS module,
// and this module itself is imported only when a phone number has to be checked.
const metadata = createRequire(import.meta.url)('libphonenumber-js/metadata.max.json') as MetadataJson;

export function parseWithMaxMetadata(input: string, region: string | undefined) {
  return parsePhoneNumberFromString(input, { defaultCountry: region as CountryCode | undefined }, metadata);
}

export function isKnownRegion(region: string): boolean {
  return Object.hasOwn((metadata as unknown as { countries: Record<string, unknown> }).countries, region);
}
