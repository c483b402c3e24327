// How often the public may sign up and cancel, per email address and per client address (req.ip as
// clientKey groups it). Two limits, because they stop different things:
// - per email address, tight: a person signs up to a few cycles of a programme (Lab'Impact runs about
//   six themes at a time), so 5 sign-ups per mailbox per hour never stops an honest person, while a
//   stranger can no longer make one inbox receive a confirmation per request. Cancellations are not
//   counted per email: a registration is cancelled once, so the sign-up limit already bounds them, and
//   counting would refuse a double click.
// - per client address, generous (SIGNUP_LIMIT_PER_ADDRESS, default 60 per 10 minutes, sign-ups and
//   cancellations counted apart): a municipal office behind one NAT may sign up its whole staff in a
//   morning, but a bot on one address can't fill a cycle or its waiting list with invented people.
// Batch-first (see throttles.service.ts): signUps() decides a whole batch of sign-ups in one statement.
import { throttleErrors, type RateLimitedError } from '../../lib/errors.ts';
import { clientKey } from '../../lib/client-address.ts';
import { mailboxOf, type Decision, type Rule, type ThrottlesService } from '../throttles/throttles.service.ts';
import type { Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import type { SignupLimits, SignupRequest } from './registrations.pipeline.ts';

export const SIGNUPS_PER_EMAIL = 5;
export const EMAIL_WINDOW_MS = 60 * 60_000;
export const ADDRESS_WINDOW_MS = 10 * 60_000;

export interface Attempt {
  /** The address typed at sign-up. */
  email: string;
  /** req.ip: the visitor, as Fastify's trustProxy decided it. */
  client: string;
}

export function registrationLimits(deps: { throttles: ThrottlesService; perAddress: number }) {
  const signUpEmail: Rule = { scope: 'signup:email', limit: SIGNUPS_PER_EMAIL, windowMs: EMAIL_WINDOW_MS };
  const signUpAddress: Rule = { scope: 'signup:address', limit: deps.perAddress, windowMs: ADDRESS_WINDOW_MS };
  const cancelAddress: Rule = { scope: 'cancel:address', limit: deps.perAddress, windowMs: ADDRESS_WINDOW_MS };

  const toError = (d: Decision): RateLimitedError | null =>
    d.allowed ? null : d.rule === signUpEmail ? throttleErrors.perEmail(d.retryAfterSeconds) : throttleErrors.perAddress(d.retryAfterSeconds);

  /** A batch of sign-ups in arrival order: null lets one through, an error answers it. One statement. */
  async function signUps(attempts: Attempt[], executor?: Executor): Promise<(RateLimitedError | null)[]> {
    const spends = attempts.map((a) => [
      { rule: signUpEmail, value: mailboxOf(a.email) },
      { rule: signUpAddress, value: clientKey(a.client) },
    ]);
    return (await deps.throttles.consume(spends, executor)).map(toError);
  }

  return {
    signUps,
    /**
     * The sign-up pipeline's seam: a batch's public sign-ups counted in one statement, inside the batch's
     * transaction. An organiser's walk-in (no client address) is not limited.
     */
    forPipeline: {
      async consume(trx: Transaction<Database>, requests: readonly SignupRequest[]): Promise<(RateLimitedError | null)[]> {
        const limited = requests.flatMap((r, i) => (r.clientKey === null ? [] : [{ i, email: r.person.email, client: r.clientKey }]));
        const decided = limited.length > 0 ? await signUps(limited, trx) : [];
        const out: (RateLimitedError | null)[] = requests.map(() => null);
        limited.forEach((l, k) => (out[l.i] = decided[k] ?? null));
        return out;
      },
    } satisfies SignupLimits,
    /** One sign-up: throws 429 rate_limited (with Retry-After) over either limit. */
    async signUp(email: string, client: string): Promise<void> {
      const [refused] = await signUps([{ email, client }]);
      if (refused) throw refused;
    },
    /** One cancellation by its participant: throws 429 rate_limited over the client address's limit. */
    async cancel(client: string): Promise<void> {
      const [decision] = await deps.throttles.consume([[{ rule: cancelAddress, value: clientKey(client) }]]);
      const refused = toError(decision!);
      if (refused) throw refused;
    },
  };
}

export type RegistrationLimits = ReturnType<typeof registrationLimits>;
