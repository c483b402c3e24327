// Whatever arrives at POST /api/cycles/:slug/registrations, the answer is 201 for a body the contract
// accepts and otherwise a 4xx with the contract's error shape, never a 5xx, and nothing is written.
// A table of hand-picked bodies first, then fast-check batches against an independent oracle.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { expectErrorShape, listen } from '../helpers/http.ts';

let t: TestApp;
let base: string;
let slug: string;
let path: string;
beforeAll(async () => {
  t = await buildTestApp();
  base = await listen(t.app);
  // Big enough that no valid body is ever refused for lack of room.
  slug = (await createCycle(t.database.db, { capacity: 100_000 })).cycle.slug;
  path = `/api/cycles/${slug}/registrations`;
});
afterAll(async () => t?.close());

async function rowCounts() {
  const { rows } = await sql<{ r: string; p: string }>`
    SELECT (SELECT count(*) FROM registrations) AS r, (SELECT count(*) FROM participants) AS p`.execute(t.database.db);
  return { registrations: Number(rows[0]!.r), participants: Number(rows[0]!.p) };
}

const valid = (o: Record<string, unknown> = {}) => JSON.stringify(registrationBody(o));
/**
 * Each sign-up from its own client address (the injected peer): hundreds of bodies from one address
 * would meet the per-address sign-up limit, which is not what this file is about.
 */
let clients = 0;
const fromAnywhere = () => {
  clients += 1;
  return `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}`;
};
const JSON_CT = 'application/json';

interface Row {
  label: string;
  body: string | Buffer | undefined;
  contentType?: string | null;
  status: number;
  code: string;
  /** For validation errors: the fields the message must name. */
  fields?: string[];
  headers?: Record<string, string>;
}

const long = (n: number, ch = 'x') => ch.repeat(n);

const rows: Row[] = [
  // Not JSON at all, or not an object.
  { label: 'not JSON', body: '{firstName: Giulia}', status: 400, code: 'invalid_json' },
  { label: 'truncated JSON', body: valid().slice(0, -5), status: 400, code: 'invalid_json' },
  { label: 'trailing garbage', body: valid() + ' x', status: 400, code: 'invalid_json' },
  { label: 'single quotes', body: "{'firstName': 'Giulia'}", status: 400, code: 'invalid_json' },
  { label: 'NaN literal', body: '{"firstName": NaN}', status: 400, code: 'invalid_json' },
  { label: 'the word undefined', body: 'undefined', status: 400, code: 'invalid_json' },
  { label: 'byte order mark before the JSON', body: '\uFEFF' + valid(), status: 400, code: 'invalid_json' },
  { label: 'two objects', body: valid() + valid(), status: 400, code: 'invalid_json' },
  { label: 'invalid UTF-8 bytes outside strings', body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), status: 400, code: 'invalid_json' },
  { label: 'empty body', body: '', status: 400, code: 'validation_error', fields: ['body'] },
  { label: 'whitespace only', body: ' \n\t ', status: 400, code: 'validation_error', fields: ['body'] },
  { label: 'no body, no content type', body: undefined, contentType: null, status: 400, code: 'validation_error', fields: ['body'] },
  { label: 'null', body: 'null', status: 400, code: 'validation_error', fields: ['body'] },
  { label: 'empty array', body: '[]', status: 400, code: 'validation_error', fields: ['body'] },
  { label: 'array around a valid body', body: `[${valid()}]`, status: 400, code: 'validation_error', fields: ['body'] },
  { label: 'a string', body: '"Giulia"', status: 400, code: 'validation_error', fields: ['body'] },
  { label: 'a number', body: '42', status: 400, code: 'validation_error', fields: ['body'] },
  { label: 'true', body: 'true', status: 400, code: 'validation_error', fields: ['body'] },
  { label: 'nested 100 000 arrays deep', body: '['.repeat(100_000) + ']'.repeat(100_000), status: 400, code: 'validation_error', fields: ['body'] },
  {
    label: 'empty object',
    body: '{}',
    status: 400,
    code: 'validation_error',
    fields: ['firstName', 'lastName', 'email', 'organisation', 'consent'],
  },
  // Missing or wrongly typed fields.
  { label: 'firstName missing', body: valid({ firstName: undefined }), status: 400, code: 'validation_error', fields: ['firstName'] },
  { label: 'lastName missing', body: valid({ lastName: undefined }), status: 400, code: 'validation_error', fields: ['lastName'] },
  { label: 'email missing', body: valid({ email: undefined }), status: 400, code: 'validation_error', fields: ['email'] },
  { label: 'organisation missing', body: valid({ organisation: undefined }), status: 400, code: 'validation_error', fields: ['organisation'] },
  { label: 'firstName a number', body: valid({ firstName: 42 }), status: 400, code: 'validation_error', fields: ['firstName'] },
  { label: 'firstName null', body: valid({ firstName: null }), status: 400, code: 'validation_error', fields: ['firstName'] },
  { label: 'firstName an array', body: valid({ firstName: ['Giulia'] }), status: 400, code: 'validation_error', fields: ['firstName'] },
  { label: 'firstName an object (per language)', body: valid({ firstName: { it: 'Giulia' } }), status: 400, code: 'validation_error', fields: ['firstName'] },
  { label: 'lastName true', body: valid({ lastName: true }), status: 400, code: 'validation_error', fields: ['lastName'] },
  { label: 'email a number', body: valid({ email: 12345 }), status: 400, code: 'validation_error', fields: ['email'] },
  { label: 'email an array', body: valid({ email: ['a@comune.example.it'] }), status: 400, code: 'validation_error', fields: ['email'] },
  { label: 'organisation an object', body: valid({ organisation: {} }), status: 400, code: 'validation_error', fields: ['organisation'] },
  { label: 'role a number', body: valid({ role: 7 }), status: 400, code: 'validation_error', fields: ['role'] },
  { label: 'network an object', body: valid({ network: { id: 3 } }), status: 400, code: 'validation_error', fields: ['network'] },
  { label: 'locale fr', body: valid({ locale: 'fr' }), status: 400, code: 'validation_error', fields: ['locale'] },
  { label: 'locale IT', body: valid({ locale: 'IT' }), status: 400, code: 'validation_error', fields: ['locale'] },
  { label: 'locale null', body: valid({ locale: null }), status: 400, code: 'validation_error', fields: ['locale'] },
  { label: 'locale empty', body: valid({ locale: '' }), status: 400, code: 'validation_error', fields: ['locale'] },
  { label: 'consent "yes"', body: valid({ consent: 'yes' }), status: 400, code: 'validation_error', fields: ['consent'] },
  { label: 'consent [true]', body: valid({ consent: [true] }), status: 400, code: 'validation_error', fields: ['consent'] },
  // Empty and oversized strings.
  { label: 'firstName empty', body: valid({ firstName: '' }), status: 400, code: 'validation_error', fields: ['firstName'] },
  { label: 'lastName only spaces', body: valid({ lastName: '   ' }), status: 400, code: 'validation_error', fields: ['lastName'] },
  { label: 'organisation only a tab and newline', body: valid({ organisation: '\t\n' }), status: 400, code: 'validation_error', fields: ['organisation'] },
  { label: 'firstName 101 characters', body: valid({ firstName: long(101) }), status: 400, code: 'validation_error', fields: ['firstName'] },
  { label: 'organisation 201 characters', body: valid({ organisation: long(201) }), status: 400, code: 'validation_error', fields: ['organisation'] },
  { label: 'role 101 characters', body: valid({ role: long(101) }), status: 400, code: 'validation_error', fields: ['role'] },
  { label: 'network 101 characters', body: valid({ network: long(101) }), status: 400, code: 'validation_error', fields: ['network'] },
  { label: 'lastName 500 000 characters', body: valid({ lastName: long(500_000) }), status: 400, code: 'validation_error', fields: ['lastName'] },
  { label: 'firstName 101 emoji', body: valid({ firstName: long(101, '😀') }), status: 400, code: 'validation_error', fields: ['firstName'] },
  // E-mail addresses that are not.
  ...[
    'non-una-email',
    'giulia@',
    '@comune.example.it',
    'giulia rossi@comune.example.it',
    'giulia@comune..it',
    'giulia@comune',
    'giulia@@comune.example.it',
    '.giulia@comune.example.it',
    'giulia@comune.example.it.',
    `${long(250)}@comune.it`,
    '',
    '   ',
    'giulia@сomune.example.it' /* Cyrillic с */,
    'giulia＠comune.example.it' /* fullwidth @ */,
    'giulia@comune.example.it\u0000',
    '"giulia"@comune.example.it',
    'giulia@comune.example.it, marco@comune.example.it',
    'giulia@comune.example.it\nBcc: x@y.it',
  ].map((email): Row => ({
    label: `email ${JSON.stringify(email).slice(0, 40)}`,
    body: valid({ email }),
    status: 400,
    code: 'validation_error',
    fields: ['email'],
  })),
  // Unicode tricks that would reach the database or mislead a reader.
  { label: 'NUL inside firstName', body: valid({ firstName: 'Giu\u0000lia' }), status: 400, code: 'validation_error', fields: ['firstName'] },
  { label: 'NUL inside organisation', body: valid({ organisation: 'Comune\u0000' }), status: 400, code: 'validation_error', fields: ['organisation'] },
  { label: 'NUL inside role', body: valid({ role: '\u0000' }), status: 400, code: 'validation_error', fields: ['role'] },
  { label: 'escape sequence inside lastName', body: valid({ lastName: 'Rossi\u001b[31m' }), status: 400, code: 'validation_error', fields: ['lastName'] },
  { label: 'newline inside lastName', body: valid({ lastName: 'Rossi\nBianchi' }), status: 400, code: 'validation_error', fields: ['lastName'] },
  {
    label: 'lone high surrogate',
    body: '{"firstName":"Giulia\\ud800","lastName":"Rossi","email":"x.lone@comune.example.it","organisation":"Comune","consent":true}',
    status: 400,
    code: 'validation_error',
    fields: ['firstName'],
  },
  { label: 'lone low surrogate in network', body: valid({ network: '\udc00Ambito' }), status: 400, code: 'validation_error', fields: ['network'] },
  { label: 'right-to-left override', body: valid({ lastName: 'Rossi\u202Efdp.exe' }), status: 400, code: 'validation_error', fields: ['lastName'] },
  { label: 'bidi isolate', body: valid({ organisation: '\u2067Comune\u2069' }), status: 400, code: 'validation_error', fields: ['organisation'] },
  // Extra nesting and look-alike shapes.
  {
    label: 'the body wrapped in {registration}',
    body: JSON.stringify({ registration: registrationBody() }),
    status: 400,
    code: 'validation_error',
    fields: ['firstName', 'consent'],
  },
  { label: 'the body wrapped in {data}', body: JSON.stringify({ data: registrationBody() }), status: 400, code: 'validation_error', fields: ['email'] },
  {
    label: 'field names in snake_case',
    body: JSON.stringify({ first_name: 'Giulia', last_name: 'Rossi', email: 'g.snake@comune.example.it', organisation: 'Comune', consent: true }),
    status: 400,
    code: 'validation_error',
    fields: ['firstName', 'lastName'],
  },
  // Wrong content types and encodings.
  {
    label: 'form-encoded',
    body: 'firstName=Giulia&consent=true',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    label: 'multipart',
    body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
    contentType: 'multipart/form-data; boundary=x',
    status: 415,
    code: 'unsupported_media_type',
  },
  { label: 'XML', body: '<registration/>', contentType: 'application/xml', status: 415, code: 'unsupported_media_type' },
  { label: 'JSON:API media type', body: valid(), contentType: 'application/vnd.api+json', status: 415, code: 'unsupported_media_type' },
  { label: 'octet-stream', body: Buffer.from(valid()), contentType: 'application/octet-stream', status: 415, code: 'unsupported_media_type' },
  { label: 'valid JSON sent as text/plain', body: valid(), contentType: 'text/plain', status: 400, code: 'validation_error', fields: ['body'] },
  {
    label: 'gzip-encoded body',
    body: Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0]),
    headers: { 'content-encoding': 'gzip' },
    status: 400,
    code: 'invalid_json',
  },
];

describe('a table of malformed bodies', () => {
  for (const row of rows) {
    it(`${row.label}: ${row.status} ${row.code}`, async () => {
      const before = await rowCounts();
      const headers: Record<string, string> = { ...row.headers };
      if (row.contentType !== null) headers['content-type'] = row.contentType ?? JSON_CT;
      const res = await t.app.inject({ method: 'POST', url: path, headers, payload: row.body, remoteAddress: fromAnywhere() });
      const body = res.json();
      const err = expectErrorShape(res.statusCode, body, { status: row.status, code: row.code });
      if (row.fields) {
        expect(err.fields?.map((f) => f.field)).toEqual(expect.arrayContaining(row.fields));
        for (const f of row.fields) expect(err.message).toContain(f);
      }
      expect(await rowCounts()).toEqual(before);
    });
  }

  it('a 2 MB body over a real socket: 413 payload_too_large, nothing written', async () => {
    const before = await rowCounts();
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': JSON_CT },
      body: valid({ firstName: long(2 * 1024 * 1024) }),
    });
    expectErrorShape(res.status, await res.json(), { status: 413, code: 'payload_too_large' });
    expect(await rowCounts()).toEqual(before);
  });

  it('a body that claims to be 2 MB (Content-Length) is refused before it is read', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': JSON_CT, 'content-length': String(2 * 1024 * 1024) },
      payload: valid(),
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expectErrorShape(res.statusCode, res.json());
  });

  // Not malformed: shown here so the table above is not mistaken for "anything unusual is refused".
  it('accepted: unknown extra fields (ignored, not stored), a valid body with odd but legal content', async () => {
    const accepted: [string, string, string?][] = [
      ['an extra field', valid({ extra: { deeply: { nested: [1, 2, { x: 'y' }] } } })],
      ['a __proto__ key', valid().replace('{', '{"__proto__":{"polluted":true},')],
      ['upper-case media type', valid(), 'APPLICATION/JSON'],
      ['explicit charset', valid(), 'application/json; charset=utf-8'],
      [
        'accents, apostrophes and emoji in names',
        valid({ firstName: 'Zoë Łucja', lastName: "D'Annunzio-Ñúñez 🎓", organisation: 'Città di Sesto S. Giovanni' }),
      ],
      ['zero-width joiner inside an emoji name', valid({ lastName: 'Rossi 👩‍🏫' })],
      ['exactly 100 characters', valid({ firstName: long(100) })],
      // Lengths are counted in characters (code points), as PostgreSQL's length() does.
      ['100 emoji (200 UTF-16 units)', valid({ firstName: long(100, '😀') })],
      ['role and network empty strings', valid({ role: '', network: '   ' })],
    ];
    for (const [label, payload, ct] of accepted) {
      const res = await t.app.inject({ method: 'POST', url: path, headers: { 'content-type': ct ?? JSON_CT }, payload, remoteAddress: fromAnywhere() });
      expect(res.statusCode, label).toBe(201);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------
// Property-based: an oracle written from docs/http-api.md (not from the server's zod schema) says whether a
// body is acceptable; the server must agree.

const EMAIL = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
const UNSAFE = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;

/** Lengths in characters (code points), as the database's length() counts them. */
const chars = (s: string) => [...s].length;
function requiredText(v: unknown, max: number) {
  return typeof v === 'string' && chars(v.trim()) >= 1 && chars(v.trim()) <= max && !UNSAFE.test(v.trim());
}
function optionalText(v: unknown, max: number) {
  return v === undefined || v === null || (typeof v === 'string' && chars(v.trim()) <= max && !UNSAFE.test(v.trim()));
}
/** The contract: {firstName, lastName, email, organisation, role?, network?, consent: true, locale?: it|en}. */
function acceptable(b: unknown): boolean {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
  const o = b as Record<string, unknown>;
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
  const email = own('email');
  return (
    requiredText(own('firstName'), 100) &&
    requiredText(own('lastName'), 100) &&
    requiredText(own('organisation'), 200) &&
    typeof email === 'string' &&
    chars(email.trim()) <= 254 &&
    EMAIL.test(email.trim()) &&
    optionalText(own('role'), 100) &&
    optionalText(own('network'), 100) &&
    own('consent') === true &&
    (own('locale') === undefined || own('locale') === 'it' || own('locale') === 'en')
  );
}

const KEYS = ['firstName', 'lastName', 'email', 'organisation', 'role', 'network', 'consent', 'locale'] as const;
const TEXT_KEYS = ['firstName', 'lastName', 'organisation', 'role', 'network'] as const;

const anyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
  fc.constantFrom('', ' ', '\u0000', '\u200B', '\u202E', '\ud800', 'ä', '\t x \n', 'null', 'true'),
  fc.nat({ max: 300 }).map((n) => 'y'.repeat(n)),
  fc.integer({ min: 95, max: 105 }).map((n) => '😀'.repeat(n)),
);

type Mutation =
  | { kind: 'delete'; key: (typeof KEYS)[number] }
  | { kind: 'set'; key: (typeof KEYS)[number]; value: unknown }
  | { kind: 'text'; key: (typeof TEXT_KEYS)[number]; value: string }
  | { kind: 'pad'; key: (typeof TEXT_KEYS)[number] | 'email' }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'email'; value: string }
  | { kind: 'emailCase' }
  | { kind: 'consent'; value: unknown }
  | { kind: 'locale'; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...KEYS) }),
  fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom(...KEYS), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('text' as const), key: fc.constantFrom(...TEXT_KEYS), value: anyString }),
  fc.record({ kind: fc.constant('pad' as const), key: fc.constantFrom(...TEXT_KEYS, 'email' as const) }),
  fc.record({ kind: fc.constant('extra' as const), key: fc.string({ maxLength: 12 }), value: fc.jsonValue({ maxDepth: 4 }) }),
  fc.record({ kind: fc.constant('email' as const), value: fc.oneof(fc.emailAddress(), anyString) }),
  fc.record({ kind: fc.constant('emailCase' as const) }),
  fc.record({ kind: fc.constant('consent' as const), value: fc.constantFrom(true, false, 'true', 1, 0, null, [true], {}) }),
  fc.record({ kind: fc.constant('locale' as const), value: fc.constantFrom('it', 'en', 'fr', 'EN', '', null, 1) }),
);

let serial = 0;
/** A valid body with an address used nowhere else, then the mutations applied in order. */
function build(mutations: Mutation[]): Record<string, unknown> {
  serial += 1;
  const b: Record<string, unknown> = registrationBody({ email: `prop.${serial}.${process.pid}@comune.example.it` });
  for (const m of mutations) {
    switch (m.kind) {
      case 'delete':
        delete b[m.key];
        break;
      case 'set':
      case 'text':
        b[m.key] = m.value;
        break;
      case 'pad':
        if (typeof b[m.key] === 'string') b[m.key] = ` \t${b[m.key] as string}\n `;
        break;
      case 'extra':
        if (!(KEYS as readonly string[]).includes(m.key))
          Object.defineProperty(b, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        break;
      case 'email':
        // Unique prefix, so a valid address is never "already registered".
        b.email = m.value.includes('@') ? `u${serial}x${m.value}` : m.value;
        break;
      case 'emailCase':
        if (typeof b.email === 'string') b.email = b.email.toUpperCase();
        break;
      case 'consent':
        b.consent = m.value;
        break;
      case 'locale':
        b.locale = m.value;
        break;
    }
  }
  return b;
}

async function checkOne(payload: string, tally: { ok: number; refused: number }) {
  const sent = JSON.parse(payload) as unknown;
  const before = await rowCounts();
  const res = await t.app.inject({ method: 'POST', url: path, headers: { 'content-type': JSON_CT }, payload, remoteAddress: fromAnywhere() });
  const after = await rowCounts();
  expect(res.statusCode, `5xx for ${payload.slice(0, 200)}`).toBeLessThan(500);
  if (acceptable(sent)) {
    expect(res.statusCode, `valid body refused: ${payload.slice(0, 300)} -> ${res.body.slice(0, 300)}`).toBe(201);
    const r = res.json().registration;
    const o = sent as Record<string, string>;
    expect(r.firstName).toBe(o.firstName!.trim());
    expect(r.email).toBe(o.email!.trim().toLowerCase());
    expect(after).toEqual({ registrations: before.registrations + 1, participants: before.participants + 1 });
    tally.ok += 1;
  } else {
    expect(res.statusCode, `invalid body accepted: ${payload.slice(0, 300)}`).not.toBe(201);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    const err = expectErrorShape(res.statusCode, res.json());
    if (err.code === 'validation_error') {
      expect(err.fields?.length).toBeGreaterThan(0);
      for (const f of err.fields!) expect(err.message).toContain(f.field);
    }
    expect(after).toEqual(before);
    tally.refused += 1;
  }
}

describe('property: 201 exactly when the contract accepts the body, otherwise a 4xx that writes nothing', () => {
  it('arbitrary JSON values and objects', async () => {
    const tally = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.object({ maxDepth: 3, values: [fc.jsonValue({ maxDepth: 2 })] }),
          fc.dictionary(fc.constantFrom(...KEYS, 'extra'), fc.jsonValue({ maxDepth: 1 })),
        ),
        async (value) => checkOne(JSON.stringify(value) ?? 'null', tally),
      ),
      { numRuns: 250 },
    );
    expect(tally.refused).toBeGreaterThan(0);
  });

  it('valid bodies with random mutations', async () => {
    const tally = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 0, maxLength: 3 }), async (mutations) => checkOne(JSON.stringify(build(mutations)), tally)),
      { numRuns: 400 },
    );
    console.log(`mutated bodies: ${tally.ok} accepted, ${tally.refused} refused`);
    // Both sides of the property were exercised, or it proves little.
    expect(tally.ok).toBeGreaterThan(40);
    expect(tally.refused).toBeGreaterThan(40);
  });

  it('valid bodies whose text fields are arbitrary unicode', async () => {
    const tally = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.record({ firstName: anyString, lastName: anyString, organisation: anyString, role: fc.option(anyString), network: fc.option(anyString) }),
        async (fields) => {
          serial += 1;
          const body = { ...fields, email: `uni.${serial}.${process.pid}@comune.example.it`, consent: true };
          await checkOne(JSON.stringify(body), tally);
        },
      ),
      { numRuns: 200 },
    );
    expect(tally.ok).toBeGreaterThan(10);
    expect(tally.refused).toBeGreaterThan(10);
  });
});
