// One error hierarchy with stable machine codes. Services throw these; plugins/errors.ts turns them
// into the contract's body { statusCode, code, message }. An error carries its text as a message key
// (server/messages), worded in the request's language when the answer is written; the code is what
// scripts rely on.
import { msg, t, type Message } from './i18n.ts';

export class AppError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly text: Message;
  readonly details?: Record<string, unknown>;
  /** 429 and 503: seconds the client should wait before trying again (the Retry-After header). */
  readonly retryAfterSeconds?: number;

  constructor(statusCode: number, code: string, text: Message, details?: Record<string, unknown>, retryAfterSeconds?: number) {
    super(t('en', text.key, text.params));
    this.name = 'AppError';
    this.statusCode = statusCode;
    this.code = code;
    this.text = text;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * A throttle's refusal: 429 with the contract's body, and a Retry-After header (set by the errors
 * plugin) saying in how many seconds the same request can succeed.
 */
export class ThrottledError extends AppError {
  declare readonly retryAfterSeconds: number;
  constructor(code: string, text: Message, retryAfterSeconds: number) {
    super(429, code, text, undefined, Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

/** "N minuti" / "N minutes" for a wait given in seconds, rounded up. */
export function minutesText(seconds: number): Message {
  return msg('wait_minutes', { count: Math.max(1, Math.ceil(seconds / 60)) });
}

export const notFound = (what: Message = msg('error_not_found')) => new AppError(404, 'not_found', what);

export const errors = {
  notFound,
  cycleNotFound: () => notFound(msg('error_cycle_not_found')),
  registrationNotFound: () => notFound(msg('error_registration_not_found')),
  alreadyRegistered: () => new AppError(409, 'already_registered', msg('error_already_registered')),
  registrationClosed: (reason: 'not_yet_open' | 'closed' | 'ended') =>
    new AppError(
      409,
      'registration_closed',
      msg(reason === 'not_yet_open' ? 'error_registration_not_yet_open' : reason === 'ended' ? 'error_registration_ended' : 'error_registration_closed'),
      { reason },
    ),
  cycleFull: () => new AppError(409, 'cycle_full', msg('error_cycle_full')),
  alreadyCancelled: () => new AppError(409, 'already_cancelled', msg('error_already_cancelled')),
  /**
   * The sign-up queue is full, or this request waited longer than it allows: an expected fault of a
   * crowd far beyond what the settings were sized for, answered as the contract's 503, never a 500.
   */
  busy: (retryAfterSeconds: number) => new AppError(503, 'service_unavailable', msg('error_busy'), undefined, retryAfterSeconds),
};

/** A throttle said no: 429 `rate_limited`, and the seconds after which trying again can work (Retry-After). */
export class RateLimitedError extends ThrottledError {
  constructor(retryAfterSeconds: number, text: Message) {
    super('rate_limited', text, retryAfterSeconds);
  }
}

export const throttleErrors = {
  /** Too many sign-ups for one email address. */
  perEmail: (retryAfterSeconds: number) => new RateLimitedError(retryAfterSeconds, msg('error_throttle_per_email', { wait: minutesText(retryAfterSeconds) })),
  /** Too many from one network (client address): a whole office behind one address may meet it. */
  perAddress: (retryAfterSeconds: number) =>
    new RateLimitedError(retryAfterSeconds, msg('error_throttle_per_address', { wait: minutesText(retryAfterSeconds) })),
};
