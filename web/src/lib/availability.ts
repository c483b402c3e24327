// What a person can do with a cycle right now, in one short phrase (cards, cycle page, badges).
import { plural } from '$lib/i18n';
import { m } from '$lib/paraglide/messages.js';
import type { Dates } from '$lib/format';
import type { Cycle, CycleFormat } from '$lib/types';

export type AvailabilityKind = 'open' | 'full' | 'closed' | 'upcoming' | 'past';

export function availability(cycle: Cycle, fmt: Dates): { kind: AvailabilityKind; label: string } {
  switch (cycle.status) {
    case 'open':
      return {
        kind: 'open',
        label: plural(cycle.seatsLeft, {
          one: m.seats_left_one({ count: cycle.seatsLeft }),
          other: m.seats_left_other({ count: cycle.seatsLeft }),
        }),
      };
    case 'full':
      return { kind: cycle.waitlistEnabled ? 'full' : 'closed', label: cycle.waitlistEnabled ? m.status_waitlist() : m.status_full() };
    case 'upcoming':
      return {
        kind: 'upcoming',
        label: cycle.registrationOpensAt ? m.status_opens_on({ from: fmt.dayPhrase('from', cycle.registrationOpensAt) }) : m.status_upcoming(),
      };
    case 'closed':
      return { kind: 'closed', label: m.status_closed() };
    case 'past':
      return { kind: 'past', label: m.status_past() };
  }
}

export function formatName(format: CycleFormat): string {
  return format === 'in_person' ? m.format_in_person() : format === 'online' ? m.format_online() : m.format_hybrid();
}

export function scheduledSessions(cycle: Cycle) {
  return cycle.sessions.filter((s) => s.status === 'scheduled');
}
