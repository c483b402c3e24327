// renderCalendar on its own: zoned times, RFC 5545 properties, escaping and folding, and the e-mail
// variants. Also run under TZ=America/New_York by calendars.timezone.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  durationSeconds,
  foldLines,
  forRegistration,
  organizerFromMailFrom,
  renderCalendar,
  sessionUid,
  type IcsEvent,
  type IcsOptions,
} from '../../server/modules/calendars/calendars.ics.ts';
import { contentLines, eventLines, parseAgreeing } from './calendars.parsers.ts';

const PUBLIC_URL = 'http://officina.test';

function event(over: Partial<IcsEvent> = {}): IcsEvent {
  return {
    sessionId: '3f1d2c4b-5a69-4e7f-8a9b-0c1d2e3f4a5b',
    cycleSlug: 'mediazione-interculturale',
    cycleTitle: 'Mediazione interculturale',
    sessionTitle: 'Incontro 1',
    startsAt: new Date('2027-01-14T08:30:00Z'),
    endsAt: new Date('2027-01-14T11:30:00Z'),
    location: 'Milano, Via Rovello 2',
    onlineUrl: null,
    status: 'scheduled',
    sequence: 0,
    createdAt: new Date('2026-10-01T07:00:00.250Z'),
    updatedAt: new Date('2026-10-02T16:45:30.900Z'),
    ...over,
    online: over.online ?? Boolean(over.onlineUrl),
  };
}

function render(events: IcsEvent[], over: Partial<IcsOptions> = {}) {
  return renderCalendar({ name: 'Officina', events, timezone: 'Europe/Rome', publicUrl: PUBLIC_URL, locale: 'it', ...over });
}

const uidOf = (e: IcsEvent) => sessionUid(e.sessionId, PUBLIC_URL);

describe('renderCalendar', () => {
  it('runs in the expected process time zone', () => {
    // calendars.timezone.test.ts runs this file again with TZ=America/New_York and EXPECT_TZ set: this
    // proves the second run really had a process zone that is neither UTC nor Rome.
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(zone).toBe(process.env.EXPECT_TZ ?? zone);
  });

  it('writes Rome wall times with TZID and a VTIMEZONE, in winter, in summer and on the day clocks change', () => {
    const winter = event({ sessionId: '00000000-0000-4000-8000-000000000001' });
    const summer = event({
      sessionId: '00000000-0000-4000-8000-000000000002',
      startsAt: new Date('2027-07-15T07:30:00Z'),
      endsAt: new Date('2027-07-15T10:00:00Z'),
    });
    // 28 March 2027: 02:00 CET becomes 03:00 CEST. 10:00 Rome that day is 08:00Z.
    const dstDay = event({
      sessionId: '00000000-0000-4000-8000-000000000003',
      startsAt: new Date('2027-03-28T08:00:00Z'),
      endsAt: new Date('2027-03-28T10:00:00Z'),
    });
    const text = render([winter, summer, dstDay]);
    const lines = contentLines(text);
    expect(lines).toContain('BEGIN:VTIMEZONE');
    expect(lines).toContain('TZID:Europe/Rome');
    expect(eventLines(text, uidOf(winter))).toEqual(
      expect.arrayContaining(['DTSTART;TZID=Europe/Rome:20270114T093000', 'DTEND;TZID=Europe/Rome:20270114T123000']),
    );
    expect(eventLines(text, uidOf(summer))).toEqual(
      expect.arrayContaining(['DTSTART;TZID=Europe/Rome:20270715T093000', 'DTEND;TZID=Europe/Rome:20270715T120000']),
    );
    expect(eventLines(text, uidOf(dstDay))).toEqual(
      expect.arrayContaining(['DTSTART;TZID=Europe/Rome:20270328T100000', 'DTEND;TZID=Europe/Rome:20270328T120000']),
    );
    const parsed = parseAgreeing(text);
    for (const e of [winter, summer, dstDay]) {
      const p = parsed.icaljs.get(uidOf(e))!;
      expect(p.start.toISOString()).toBe(e.startsAt.toISOString());
      expect(p.end.toISOString()).toBe(e.endsAt.toISOString());
    }
  });

  it('writes UID, SEQUENCE, DTSTAMP/LAST-MODIFIED from the modification time and CREATED, all in UTC', () => {
    const e = event({ sequence: 7 });
    const lines = eventLines(render([e]), uidOf(e));
    expect(lines).toContain(`UID:session-${e.sessionId}@officina.test`);
    expect(lines).toContain('SEQUENCE:7');
    expect(lines).toContain('DTSTAMP:20261002T164530Z');
    expect(lines).toContain('LAST-MODIFIED:20261002T164530Z');
    expect(lines).toContain('CREATED:20261001T070000Z');
    expect(lines).toContain('STATUS:CONFIRMED');
    expect(lines).toContain('SUMMARY:Mediazione interculturale — Incontro 1');
    expect(lines).toContain('LOCATION:Milano\\, Via Rovello 2');
    expect(lines).toContain('URL;VALUE=URI:http://officina.test/cicli/mediazione-interculturale');
  });

  it('gives every session one UID for ever, whatever else changes', () => {
    const a = event();
    const moved = event({ startsAt: new Date('2027-02-01T08:30:00Z'), endsAt: new Date('2027-02-01T10:30:00Z'), sequence: 3, status: 'cancelled' });
    const [pa, pb] = [parseAgreeing(render([a])), parseAgreeing(render([moved], { locale: 'en', name: 'Other' }))];
    expect([...pa.icaljs.keys()]).toEqual([...pb.icaljs.keys()]);
    expect(sessionUid(a.sessionId, 'https://corsi.example.org:8443/')).toBe(`session-${a.sessionId}@corsi.example.org`);
  });

  it('is a feed: name, refresh interval, no METHOD, no ORGANIZER or ATTENDEE', () => {
    const text = render([event()], { name: 'Officina — Catalogo, tutto; sì' });
    const lines = contentLines(text);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(lines.some((l) => l.startsWith('METHOD'))).toBe(false);
    expect(lines.some((l) => l.startsWith('ORGANIZER') || l.startsWith('ATTENDEE'))).toBe(false);
    expect(lines).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT6H');
    expect(lines).toContain('X-PUBLISHED-TTL:PT6H');
    expect(lines).toContain('X-WR-CALNAME:Officina — Catalogo\\, tutto\\; sì');
    expect(lines).toContain('NAME:Officina — Catalogo\\, tutto\\; sì');
    expect(parseAgreeing(text).name).toBe('Officina — Catalogo, tutto; sì');
    expect(contentLines(render([event()], { refreshInterval: 'PT1H' }))).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT1H');
  });

  it('keeps cancelled sessions, marked cancelled and free', () => {
    const kept = event({ sessionId: '00000000-0000-4000-8000-00000000000a' });
    const gone = event({ sessionId: '00000000-0000-4000-8000-00000000000b', status: 'cancelled', sequence: 1 });
    const text = render([kept, gone]);
    const parsed = parseAgreeing(text);
    expect(parsed.icaljs.size).toBe(2);
    expect(parsed.icaljs.get(uidOf(kept))!.status).toBe('CONFIRMED');
    const c = parsed.icaljs.get(uidOf(gone))!;
    expect(c.status).toBe('CANCELLED');
    expect(c.sequence).toBe(1);
    expect(c.summary).toBe('[Annullato] Mediazione interculturale — Incontro 1');
    expect(c.description).toContain('Questo incontro è stato annullato.');
    expect(eventLines(text, uidOf(gone))).toContain('TRANSP:TRANSPARENT');
  });

  it('escapes commas, semicolons, backslashes, newlines, accents and emoji, and folds lines at 75 octets', () => {
    const tricky = event({
      cycleTitle: 'Welfare di comunità, co-progettazione; "partecipata" \\ città 🎉',
      sessionTitle: 'Perché sì: l’àncora è già qui — 第一 🧑🏽‍🤝‍🧑🏻 ' + 'lungo '.repeat(20),
      location: 'Sala Nobel; piano 2, Milano\nIngresso da via Borgonuovo',
      onlineUrl: 'https://meet.example.org/abc?x=1&y=2',
    });
    const text = render([tricky]);
    for (const physical of text.split('\r\n')) {
      const bytes = Buffer.from(physical, 'utf8');
      expect(bytes.length, physical).toBeLessThanOrEqual(75);
      // A fold never cuts a multi-byte character: every physical line is valid UTF-8 on its own.
      expect(bytes.toString('utf8')).toBe(physical);
      expect(physical).not.toContain('\uFFFD');
    }
    const p = parseAgreeing(text).icaljs.get(uidOf(tricky))!;
    expect(p.summary).toBe(`${tricky.cycleTitle} — ${tricky.sessionTitle}`);
    expect(p.location).toBe(tricky.location);
    expect(p.description).toContain('Collegamento online: https://meet.example.org/abc?x=1&y=2');
    expect(p.description).toContain('Pagina del ciclo: http://officina.test/cicli/mediazione-interculturale');
  });

  it('puts the online link in LOCATION when there is no place, and writes English when asked', () => {
    const online = event({ location: null, onlineUrl: 'https://meet.example.org/lab' });
    const p = parseAgreeing(render([online], { locale: 'en' })).icaljs.get(uidOf(online))!;
    expect(p.location).toBe('https://meet.example.org/lab');
    expect(p.description).toBe('Online link: https://meet.example.org/lab\nCycle page: http://officina.test/en/cicli/mediazione-interculturale');
    expect(p.url).toBe('http://officina.test/en/cicli/mediazione-interculturale');
  });

  it('says "online" without the link where the link is withheld (public feeds, the waiting list)', () => {
    const hidden = event({ location: null, onlineUrl: null, online: true });
    const it_ = parseAgreeing(render([hidden])).icaljs.get(uidOf(hidden))!;
    expect(it_.location).toBe('Online');
    expect(it_.description).toBe(
      'Online — il link arriva a chi ha il posto confermato\nPagina del ciclo: http://officina.test/cicli/mediazione-interculturale',
    );
    const en = parseAgreeing(render([hidden], { locale: 'en' })).icaljs.get(uidOf(hidden))!;
    expect(en.description).toContain('Online — the link is sent to confirmed participants');
  });

  it('writes METHOD:REQUEST with a no-reply ORGANIZER and the participant as ATTENDEE, RSVP=FALSE', () => {
    const e = event({ sequence: 2 });
    const text = render([e], {
      method: 'REQUEST',
      attendee: { email: 'giulia.rossi@comune.example.it', name: 'Giulia "G." Rossi' },
      organizer: organizerFromMailFrom('Officina Lab <no-reply@officina.test>'),
    });
    const lines = contentLines(text);
    expect(lines).toContain('METHOD:REQUEST');
    expect(lines.some((l) => l.startsWith('REFRESH-INTERVAL'))).toBe(false);
    const ev = eventLines(text, uidOf(e));
    expect(ev).toContain('ORGANIZER;CN="Officina Lab":mailto:no-reply@officina.test');
    const attendee = ev.find((l) => l.startsWith('ATTENDEE'))!;
    expect(attendee).toContain('RSVP=FALSE');
    expect(attendee).toContain('CN="Giulia G. Rossi"');
    expect(attendee.toLowerCase()).toContain(':mailto:giulia.rossi@comune.example.it');
    expect(ev).toContain('STATUS:CONFIRMED');
    expect(ev).toContain('SEQUENCE:2');
    const parsed = parseAgreeing(text);
    expect(parsed.method).toBe('REQUEST');
    expect(parsed.icaljs.get(uidOf(e))!.start.toISOString()).toBe(e.startsAt.toISOString());
  });

  it('writes METHOD:CANCEL with STATUS:CANCELLED, ORGANIZER and ATTENDEE; the default organiser is no-reply@host', () => {
    const e = event({ sequence: 4 });
    const text = render([e], { method: 'CANCEL', attendee: { email: 'p@example.it', name: 'P' } });
    const lines = contentLines(text);
    expect(lines).toContain('METHOD:CANCEL');
    const ev = eventLines(text, uidOf(e));
    expect(ev).toContain('STATUS:CANCELLED');
    expect(ev).toContain('SEQUENCE:4');
    expect(ev.find((l) => l.startsWith('ORGANIZER'))).toBe('ORGANIZER;CN="Officina":mailto:no-reply@officina.test');
    expect(ev.some((l) => l.startsWith('ATTENDEE') && l.includes('RSVP=FALSE'))).toBe(true);
    expect(parseAgreeing(text).method).toBe('CANCEL');
  });

  it('renders the same bytes for the same data (what the strong ETag relies on)', () => {
    const events = [event(), event({ sessionId: '00000000-0000-4000-8000-0000000000ff', sequence: 1 })];
    expect(render(events)).toBe(render(events.map((e) => ({ ...e }))));
    expect(render(events)).not.toBe(render([events[0]!, { ...events[1]!, sequence: 2 }]));
  });

  it('shows a registration its own way, with a SEQUENCE that never goes back', () => {
    const e = event({ sequence: 3 });
    const t0 = new Date('2026-11-01T10:00:00Z');
    const t1 = new Date('2026-11-05T10:00:00Z');
    const t2 = new Date('2026-11-09T10:00:00Z');
    const waiting = forRegistration(e, { status: 'waitlisted', createdAt: t0, confirmedAt: null, cancelledAt: null });
    const direct = forRegistration(e, { status: 'confirmed', createdAt: t0, confirmedAt: t0, cancelledAt: null });
    const promoted = forRegistration(e, { status: 'confirmed', createdAt: t0, confirmedAt: t1, cancelledAt: null });
    const cancelled = forRegistration(e, { status: 'cancelled', createdAt: t0, confirmedAt: t1, cancelledAt: t2 });
    expect([waiting.status, direct.status, promoted.status, cancelled.status]).toEqual(['tentative', 'scheduled', 'scheduled', 'cancelled']);
    expect([waiting.sequence, direct.sequence, promoted.sequence, cancelled.sequence]).toEqual([3, 3, 4, 5]);
    expect(cancelled.updatedAt.toISOString()).toBe(t2.toISOString());
    const p = parseAgreeing(render([waiting])).icaljs.get(uidOf(e))!;
    expect(p.status).toBe('TENTATIVE');
    expect(p.summary).toBe('[Lista d’attesa] Mediazione interculturale — Incontro 1');
  });

  it('folds any text into lines of at most 75 octets that unfold to the original', () => {
    const unit = fc.oneof(
      fc.constantFrom('a', ' ', ',', 'à', 'è', 'ß', '—', '’', '€', '第', '🎉', '🧑🏽‍🤝‍🧑🏻', 'e\u0301'),
      fc.string({ unit: 'grapheme', maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 120 }), (parts) => {
        const line = `DESCRIPTION:${parts.join('')}`;
        const folded = foldLines(`${line}\r\nEND:VEVENT\r\n`);
        for (const physical of folded.split('\r\n')) {
          const bytes = Buffer.from(physical, 'utf8');
          expect(bytes.length).toBeLessThanOrEqual(75);
          expect(bytes.toString('utf8')).toBe(physical);
        }
        expect(folded.replace(/\r\n /g, '')).toBe(`${line}\r\nEND:VEVENT\r\n`);
      }),
      { numRuns: 300 },
    );
  });

  it('reads ISO durations and refuses others', () => {
    expect(durationSeconds('PT6H')).toBe(21_600);
    expect(durationSeconds('P1DT30M')).toBe(88_200);
    expect(durationSeconds('P1W')).toBe(604_800);
    for (const bad of ['6h', 'P', 'PT', 'P1H', '']) expect(() => durationSeconds(bad), bad).toThrow();
  });
});
