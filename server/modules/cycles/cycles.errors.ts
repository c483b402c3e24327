// Errors of cycle management (creation, changes, publication), with stable machine codes.
import { AppError } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';
import type { PublicationGap } from './cycles.manage.schemas.ts';

export const cycleErrors = {
  slugTaken: () => new AppError(409, 'slug_taken', msg('error_cycle_slug_taken')),
  slugLocked: () => new AppError(409, 'slug_locked', msg('error_cycle_slug_locked')),
  invalidWindow: () => new AppError(400, 'validation_error', msg('error_registration_window')),
  /** `missing` names what to add, as the organisers' view does (missingForPublication). */
  notPublishable: (missing: PublicationGap[]) =>
    new AppError(
      409,
      'cycle_not_publishable',
      msg(
        missing.length > 1
          ? 'error_cycle_not_publishable_both'
          : missing[0] === 'sessions'
            ? 'error_cycle_not_publishable_sessions'
            : 'error_cycle_not_publishable_deadline',
      ),
      { missing },
    ),
  deadlineOfPublished: () =>
    new AppError(409, 'cycle_not_publishable', msg('error_cycle_published_needs_deadline'), { missing: ['registrationClosesAt'] satisfies PublicationGap[] }),
  capacityBelowSeatsTaken: (seatsTaken: number) => new AppError(409, 'capacity_below_seats_taken', msg('error_capacity_below_seats_taken', { seatsTaken })),
};
