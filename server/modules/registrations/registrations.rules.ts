// Who gets what, for a whole batch of sign-ups to one cycle, decided in arrival order with the cycle
// locked. Pure: no I/O, no throwing. One answer per person, so one refused person never fails the
// others. The same rules for the public form and the organiser's walk-ins (they differ only where the
// request says so: the registration window, and the organiser's "add a seat for this person").
import type { AppError } from '../../lib/errors.ts';
import { errors } from '../../lib/errors.ts';
import type { CycleRecord } from '../cycles/cycles.repository.ts';
import { cycleStatus } from '../cycles/cycles.service.ts';

export type SignupSource = 'web' | 'organiser' | 'walk_in';

/** What the rules need of one person's sign-up. */
export interface SignupClaim {
  /** The person: one address is one person (participants.email). */
  email: string;
  source: SignupSource;
  /** Organiser only: when the cycle is full, raise its capacity by one for this person. */
  addSeat: boolean;
  /** Set when the request was refused before the rules (e.g. a sign-up limit). */
  refused: AppError | null;
}

export type Decision =
  { ok: true; status: 'confirmed'; addsSeat: boolean } | { ok: true; status: 'waitlisted'; position: number } | { ok: false; error: AppError };

/**
 * `active`: addresses already holding an active registration in this cycle. `cycle` null: no such
 * cycle (or, for the public, not published). The counters are exact because the cycle is locked.
 */
export function decideBatch(
  cycle: CycleRecord | null | undefined,
  claims: readonly SignupClaim[],
  active: ReadonlySet<string>,
  now: Date,
  notFound: () => AppError,
): Decision[] {
  if (!cycle) return claims.map(() => ({ ok: false, error: notFound() }));
  const window = cycleStatus(cycle, now);
  // The public form follows the registration window; an organiser adds people at any time (a walk-in
  // arrives after sign-ups closed), as the console always did.
  const windowRefusal =
    window === 'past'
      ? errors.registrationClosed('ended')
      : window === 'upcoming'
        ? errors.registrationClosed('not_yet_open')
        : window === 'closed'
          ? errors.registrationClosed('closed')
          : null;
  let free = cycle.capacity - cycle.seats_taken;
  let waiting = cycle.waitlist_length;
  const holders = new Set(active);
  return claims.map((c): Decision => {
    if (c.refused) return { ok: false, error: c.refused };
    if (c.source === 'web' && windowRefusal) return { ok: false, error: windowRefusal };
    // The same address twice in one batch: the first one wins, as if they had arrived one by one.
    if (holders.has(c.email)) return { ok: false, error: errors.alreadyRegistered() };
    let d: Decision;
    if (free > 0) {
      free -= 1;
      d = { ok: true, status: 'confirmed', addsSeat: false };
    } else if (c.addSeat && c.source !== 'web') {
      // Someone physically in the room: a seat of their own, the waiting list stays where it is.
      d = { ok: true, status: 'confirmed', addsSeat: true };
    } else if (cycle.waitlist_enabled) {
      waiting += 1;
      d = { ok: true, status: 'waitlisted', position: waiting };
    } else {
      return { ok: false, error: errors.cycleFull() };
    }
    holders.add(c.email);
    return d;
  });
}
