// Errors of attendance and check-in, with stable machine codes.
import { AppError, minutesText, ThrottledError } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';

export const attendanceErrors = {
  notConfirmed: () => new AppError(409, 'not_confirmed', msg('error_not_confirmed')),
  invalidCode: () => new AppError(400, 'invalid_code', msg('error_invalid_code')),
  tooManyCodes: (retryAfterSeconds: number) =>
    new ThrottledError('too_many_attempts', msg('error_too_many_codes', { wait: minutesText(retryAfterSeconds) }), retryAfterSeconds),
  alreadyCheckedIn: () => new AppError(409, 'already_checked_in', msg('error_already_checked_in')),
  invalidQr: () => new AppError(400, 'invalid_qr', msg('error_invalid_qr')),
  otherCycle: () => new AppError(409, 'other_cycle', msg('error_other_cycle')),
  sessionCancelled: () => new AppError(409, 'session_cancelled', msg('error_session_cancelled')),
  /** Presence is taken from the opening of the meeting's check-in window (attendance.codes.ts), never days before. */
  notOpenYet: () => new AppError(409, 'attendance_not_open', msg('error_attendance_not_open')),
  sessionNotFound: () => new AppError(404, 'not_found', msg('error_registration_session_not_found')),
};
