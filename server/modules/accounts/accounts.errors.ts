// Errors of sign-in and account management, with stable machine codes (see server/README or the
// "Organisers" section of docs/http-api.md).
import { AppError, minutesText, ThrottledError } from '../../lib/errors.ts';
import { msg, text, type Message } from '../../lib/i18n.ts';

export const authErrors = {
  invalidCredentials: () => new AppError(401, 'invalid_credentials', msg('error_invalid_credentials')),
  tooManyAttempts: (retryAfterSeconds: number) =>
    new ThrottledError('too_many_attempts', msg('error_too_many_sign_in_attempts', { wait: minutesText(retryAfterSeconds) }), retryAfterSeconds),
  unauthenticated: () => new AppError(401, 'unauthenticated', msg('error_unauthenticated')),
  sessionExpired: () => new AppError(401, 'session_expired', msg('error_session_expired')),
  csrfInvalid: () => new AppError(403, 'csrf_invalid', msg('error_csrf_invalid')),
  originNotAllowed: () => new AppError(403, 'origin_not_allowed', msg('error_origin_not_allowed')),
  forbidden: () => new AppError(403, 'forbidden', msg('error_forbidden')),
  emailTaken: () => new AppError(409, 'email_taken', msg('error_email_taken')),
  lastAdministrator: () => new AppError(409, 'last_administrator', msg('error_last_administrator')),
  /** A password on the list of common ones (passwords.policy.ts); `field` as the request named it. */
  weakPassword: (field: string, why: Message) =>
    new AppError(400, 'weak_password', msg('error_weak_password', { field, why }), { fields: [{ field, message: text('en', why) }] }),
  wrongPassword: () => new AppError(400, 'wrong_password', msg('error_wrong_password')),
  accountNotFound: () => new AppError(404, 'not_found', msg('error_account_not_found')),
};
