// Errors of the organiser API about cycles and registrations, with stable machine codes.
import { AppError } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';

export const adminErrors = {
  unknownTheme: (slug: string) => new AppError(400, 'unknown_theme', msg('error_unknown_theme', { slug })),
  slugTaken: () => new AppError(409, 'slug_taken', msg('error_cycle_slug_taken')),
  slugLocked: () => new AppError(409, 'slug_locked', msg('error_cycle_slug_locked')),
  invalidWindow: () => new AppError(400, 'validation_error', msg('error_registration_window')),
  capacityBelowSeatsTaken: (seatsTaken: number) => new AppError(409, 'capacity_below_seats_taken', msg('error_capacity_below_seats_taken', { seatsTaken })),
  notConfirmed: () => new AppError(409, 'not_confirmed', msg('error_not_confirmed')),
  accountNotFound: () => new AppError(404, 'not_found', msg('error_account_not_found')),
};
