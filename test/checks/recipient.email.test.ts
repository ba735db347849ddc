import { checkTester, fault, ok, type Row } from '../support/check-tester.js';

// The address and what DNS answers for its domain; the lookups themselves, against a real DNS server on
// loopback, are test/live/recipient-email-dns.test.ts's.
const customer = { customer: { email: 'jane.doe@northwind-traders.com' } };
const source = 'customer cus_jane';

const invalid = ([what, address, reason, placeholder]: readonly [string, string, string, boolean]): Row => ({
  name: `${what}`,
  invoice: { customer: { email: address } },
  expect: { status: 'fail', code: 'EMAIL_INVALID', message: [JSON.stringify(address), reason], data: { address, placeholder, source } },
});

checkTester('recipient.email', [
  { name: 'neither the invoice nor the customer has an address', invoice: { customer: { id: 'cus_42', email: undefined } }, expect: { status: 'fail', code: 'EMAIL_MISSING', message: 'customer cus_42 has none on record', data: { customer: 'cus_42' } } },
  { name: 'the customer address is blank', invoice: { customer: { email: '   ' } }, expect: { status: 'fail', code: 'EMAIL_MISSING' } },
  { name: 'an inline customer without id', invoice: { customer: { id: undefined, email: undefined } }, expect: { status: 'fail', code: 'EMAIL_MISSING', message: 'its customer has none on record' } },
  ...([
    ['a line break (header injection)', 'jane@northwind-traders.com\r\nBcc: all@northwind-traders.com', 'contains a line break', false],
    ['a display name', 'Jane Doe <jane@northwind-traders.com>', 'display name', false],
    ['a list', 'jane@northwind-traders.com, ap@northwind-traders.com', 'more than one address', false],
    ['a semicolon list', 'jane@northwind-traders.com;ap@northwind-traders.com', 'more than one address', false],
    ['no domain', 'jane.doe@', 'not of the form name@domain', false],
    ['no top-level domain', 'jane@northwind', 'not a valid host name', false],
    ['the example.com placeholder', 'test@example.com', 'reserved for examples', true],
    ['a .test domain', 'jane@northwind.test', 'reserved for examples', true],
    ['a placeholder mailbox', 'none@northwind-traders.com', 'placeholder', true],
  ] as const).map(invalid),
  { name: "the invoice's send-to address is named as the source when it is the one used", invoice: { sendTo: { email: 'test@example.com' } }, expect: { status: 'fail', code: 'EMAIL_INVALID', data: { source: 'the invoice (send_to.email)', placeholder: true } } },
  {
    name: 'offline: a valid address on the customer record, its domain not looked up',
    offline: true,
    expect: { status: 'pass', message: 'jane.doe@northwind-traders.com (from customer cus_jane); its domain was not looked up (--offline).', data: { address: 'jane.doe@northwind-traders.com', domain: 'northwind-traders.com', source } },
  },
  { name: "offline: the invoice's send-to address over the customer record", offline: true, invoice: { customer: { email: 'test@example.com' }, sendTo: { email: 'ap@northwind-traders.com' } }, expect: { status: 'pass', data: { address: 'ap@northwind-traders.com', source: 'the invoice (send_to.email)' } } },
  { name: "offline: a blank send-to email does not hide the customer's address", offline: true, invoice: { sendTo: { email: '' } }, expect: { status: 'pass', notInMessage: 'has none on record', data: { address: 'jane.doe@northwind-traders.com', source } } },
  { name: 'offline: an internationalised domain, in its ASCII (punycode) form', offline: true, invoice: { customer: { email: 'kontakt@bücher.de' } }, expect: { status: 'pass', data: { address: 'kontakt@xn--bcher-kva.de', domain: 'xn--bcher-kva.de' } } },
  { name: 'not applicable when only SMS is requested', invoice: { customer: { email: undefined } }, channels: ['sms'], expect: { status: 'skip', data: { reason: 'channel_not_requested' } } },
  {
    name: 'the domain has MX records: the most preferred exchange is named',
    invoice: customer,
    facts: { mailDomain: ok({ kind: 'mx', exchanges: [{ exchange: 'mx1.northwind-traders.com', priority: 10 }, { exchange: 'mx2.northwind-traders.com', priority: 20 }] }) },
    expect: { status: 'pass', message: 'jane.doe@northwind-traders.com (from customer cus_jane); northwind-traders.com receives mail at mx1.northwind-traders.com.', data: { mx: ['mx1.northwind-traders.com', 'mx2.northwind-traders.com'] } },
  },
  {
    name: 'NXDOMAIN',
    invoice: { customer: { email: 'ap@gone-corp.com' } },
    facts: { mailDomain: ok({ kind: 'not_found' }) },
    expect: { status: 'fail', code: 'EMAIL_DOMAIN_NOT_FOUND', message: 'ap@gone-corp.com (from customer cus_jane): the domain gone-corp.com does not exist (NXDOMAIN), so mail to it bounces. A typo in the domain?', data: { dns: 'NXDOMAIN' } },
  },
  {
    name: 'a domain with neither MX nor address records',
    invoice: { customer: { email: 'ap@emptyrecords-corp.com' } },
    facts: { mailDomain: ok({ kind: 'no_mail_records' }) },
    expect: { status: 'fail', code: 'EMAIL_DOMAIN_NOT_FOUND', message: 'has neither MX nor address records', data: { dns: 'no MX, no A/AAAA' } },
  },
  {
    name: 'a null MX',
    invoice: { customer: { email: 'billing@nomail-corp.com' } },
    facts: { mailDomain: ok({ kind: 'null_mx' }) },
    expect: { status: 'fail', code: 'EMAIL_DOMAIN_NO_MAIL', message: 'nomail-corp.com publishes a null MX (RFC 7505), declaring that it accepts no email.', data: { dns: 'null MX' } },
  },
  {
    name: 'only address records: mail falls back to them, the first three listed',
    invoice: { customer: { email: 'billing@aonly-corp.com' } },
    facts: { mailDomain: ok({ kind: 'address_only', addresses: ['198.51.100.30', '198.51.100.31', '2001:db8::30', '2001:db8::31'] }) },
    expect: { status: 'warn', code: 'EMAIL_DOMAIN_NO_MX', message: 'has no MX records; mail would go to its address record (198.51.100.30, 198.51.100.31, 2001:db8::30)', data: { addresses: ['198.51.100.30', '198.51.100.31', '2001:db8::30', '2001:db8::31'] } },
  },
  {
    name: 'the lookup failed: could not be determined, not a failure',
    invoice: { customer: { email: 'ap@broken-corp.com' } },
    facts: { mailDomain: fault('server', { message: 'looking up broken-corp.com: the DNS server failed to answer (SERVFAIL)', code: 'ESERVFAIL' }) },
    expect: { status: 'error', code: 'DNS_LOOKUP_FAILED', message: 'ap@broken-corp.com is well-formed, but looking up broken-corp.com: the DNS server failed to answer (SERVFAIL).', data: { domain: 'broken-corp.com', code: 'ESERVFAIL' } },
  },
]);
