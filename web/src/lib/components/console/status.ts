// Words for the states the console shows (publication, registration status, public availability).
import { m } from '$lib/paraglide/messages.js';
import type { CycleStatus, RegistrationStatus } from '$lib/types';

export function publicationLabel(p: 'draft' | 'published'): string {
  return p === 'draft' ? m.console_publication_draft() : m.console_publication_published();
}

export function registrationLabel(s: RegistrationStatus): string {
  return s === 'confirmed' ? m.console_reg_confirmed() : s === 'waitlisted' ? m.console_reg_waitlisted() : m.console_reg_cancelled();
}

export function cycleStatusLabel(s: CycleStatus): string {
  switch (s) {
    case 'open':
      return m.console_cycle_status_open();
    case 'full':
      return m.console_cycle_status_full();
    case 'closed':
      return m.console_cycle_status_closed();
    case 'upcoming':
      return m.console_cycle_status_upcoming();
    case 'past':
      return m.console_cycle_status_past();
  }
}

/** The next meeting that has not ended yet (scheduled only). */
export function nextSession<S extends { status: string; endsAt: string; startsAt: string }>(sessions: S[], nowIso: string): S | null {
  const now = Date.parse(nowIso);
  return (
    sessions.filter((s) => s.status === 'scheduled' && Date.parse(s.endsAt) >= now).sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))[0] ?? null
  );
}

/** A percentage as people read it: "75 %" / "75%", one decimal only when there is one. */
export function pct(value: number | null, locale: 'it' | 'en'): string {
  if (value === null) return '—';
  return new Intl.NumberFormat(locale === 'it' ? 'it-IT' : 'en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);
}
