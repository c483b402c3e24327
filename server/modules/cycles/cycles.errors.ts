// Errors of cycle management (creation, changes, publication), with stable machine codes.
import { AppError } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';

export const cycleErrors = {
  slugTaken: () => new AppError(409, 'slug_taken', msg('error_cycle_slug_taken')),
  slugLocked: () => new AppError(409, 'slug_locked', msg('error_cycle_slug_locked')),
  invalidWindow: () => new AppError(400, 'validation_error', msg('error_registration_window')),
  capacityBelowSeatsTaken: (seatsTaken: number) => new AppError(409, 'capacity_below_seats_taken', msg('error_capacity_below_seats_taken', { seatsTaken })),
};
