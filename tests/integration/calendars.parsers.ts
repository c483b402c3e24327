// Reads an iCalendar text with two independent parsers (ical.js, which computes offsets from the file's
// own VTIMEZONE; node-ical, which maps TZID to the IANA database) and returns both views of every event,
// so a test can compare each with the API and with the other.
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { expect } from 'vitest';

export interface ParsedEvent {
  uid: string;
  sequence: number;
  summary: string;
  status: string;
  start: Date;
  end: Date;
  location: string | null;
  description: string | null;
  url: string | null;
}

export interface ParsedCalendar {
  method: string | null;
  name: string | null;
  /** Events by UID, as ical.js and as node-ical see them. */
  icaljs: Map<string, ParsedEvent>;
  nodeical: Map<string, ParsedEvent>;
}

function viaIcalJs(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  // Forget zones registered by earlier parses: each calendar must bring its own VTIMEZONE.
  ICAL.TimezoneService.reset();
  for (const tz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const events = new Map<string, ParsedEvent>();
  for (const v of root.getAllSubcomponents('vevent')) {
    const e = new ICAL.Event(v);
    // A TZID that resolves to nothing would be read as floating (process-local) time: fail loudly.
    expect(e.startDate.zone?.tzid, 'DTSTART zone resolved by ical.js').not.toBe('floating');
    events.set(e.uid, {
      uid: e.uid,
      sequence: e.sequence,
      summary: e.summary,
      status: String(v.getFirstPropertyValue('status')),
      start: e.startDate.toJSDate(),
      end: e.endDate.toJSDate(),
      location: e.location ?? null,
      description: e.description ?? null,
      url: (v.getFirstPropertyValue('url') as string | null) ?? null,
    });
  }
  return {
    method: (root.getFirstPropertyValue('method') as string | null) ?? null,
    events,
  };
}

/** The calendar's name as node-ical reads it (ical.js does not know RFC 7986 NAME and leaves it escaped). */
function nameViaNodeIcal(text: string): string | null {
  const cal = Object.values(nodeIcal.sync.parseICS(text)).find((v) => v?.type === 'VCALENDAR') as { name?: string } | undefined;
  return cal?.name ?? null;
}

function viaNodeIcal(text: string) {
  const data = nodeIcal.sync.parseICS(text);
  const events = new Map<string, ParsedEvent>();
  const str = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'string' ? v : String((v as { val?: unknown }).val ?? v));
  for (const v of Object.values(data)) {
    if (!v || v.type !== 'VEVENT') continue;
    const e = v as nodeIcal.VEvent;
    events.set(e.uid, {
      uid: e.uid,
      sequence: Number(e.sequence),
      summary: str(e.summary)!,
      status: String(e.status),
      start: new Date(e.start),
      end: new Date(e.end!),
      location: str(e.location),
      description: str(e.description),
      url: str(e.url),
    });
  }
  return events;
}

export function parseBoth(text: string): ParsedCalendar {
  const a = viaIcalJs(text);
  const nodeical = viaNodeIcal(text);
  return { method: a.method, name: nameViaNodeIcal(text), icaljs: a.events, nodeical };
}

/** The two parsers must agree on every event before either is compared with anything else. */
export function parseAgreeing(text: string): ParsedCalendar {
  const p = parseBoth(text);
  expect([...p.nodeical.keys()].sort()).toEqual([...p.icaljs.keys()].sort());
  for (const [uid, a] of p.icaljs) {
    const b = p.nodeical.get(uid)!;
    expect({ ...b, start: b.start.toISOString(), end: b.end.toISOString() }, `event ${uid}`).toEqual({
      ...a,
      start: a.start.toISOString(),
      end: a.end.toISOString(),
    });
  }
  return p;
}

/** Unfolded content lines (RFC 5545 3.1), to look at properties with their parameters. */
export function contentLines(text: string): string[] {
  return text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter(Boolean);
}

/** The raw property lines of the VEVENT with this UID. */
export function eventLines(text: string, uid: string): string[] {
  const lines = contentLines(text);
  const out: string[] = [];
  let inside: string[] | null = null;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') inside = [];
    else if (l === 'END:VEVENT') {
      if (inside?.includes(`UID:${uid}`)) out.push(...inside);
      inside = null;
    } else if (inside) inside.push(l);
  }
  return out;
}
