// One error hierarchy with stable machine codes. Services throw these; plugins/errors.ts turns them
// into the contract's body { statusCode, code, message }. Messages exist in Italian and English and are
// chosen per request; the code is what scripts rely on.
export type Localized = { it: string; en: string };

export class AppError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly text: Localized;
  readonly details?: Record<string, unknown>;
  /** 429 and 503: seconds the client should wait before trying again (the Retry-After header). */
  readonly retryAfterSeconds?: number;

  constructor(statusCode: number, code: string, text: Localized, details?: Record<string, unknown>, retryAfterSeconds?: number) {
    super(text.en);
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
  constructor(code: string, text: Localized, retryAfterSeconds: number) {
    super(429, code, text, undefined, Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

/** "N minuti" / "N minutes" for a wait given in seconds, rounded up. */
export function minutesText(seconds: number): Localized {
  const n = Math.max(1, Math.ceil(seconds / 60));
  return n === 1 ? { it: '1 minuto', en: '1 minute' } : { it: `${n} minuti`, en: `${n} minutes` };
}

export const notFound = (what: Localized = { it: 'Risorsa non trovata.', en: 'Not found.' }) => new AppError(404, 'not_found', what);

export const errors = {
  notFound,
  cycleNotFound: () => notFound({ it: 'Questo ciclo non esiste o non è pubblicato.', en: 'This cycle does not exist or is not published.' }),
  registrationNotFound: () =>
    notFound({
      it: 'Iscrizione non trovata: il link potrebbe essere incompleto o non più valido.',
      en: 'Registration not found: the link may be incomplete or no longer valid.',
    }),
  alreadyRegistered: () =>
    new AppError(409, 'already_registered', {
      it: 'Risulta già un’iscrizione attiva con questo indirizzo email. Puoi farti rinviare il link per gestirla.',
      en: 'There is already an active registration with this email address. You can ask for its link again.',
    }),
  registrationClosed: (reason: 'not_yet_open' | 'closed' | 'ended') =>
    new AppError(
      409,
      'registration_closed',
      reason === 'not_yet_open'
        ? { it: 'Le iscrizioni a questo ciclo non sono ancora aperte.', en: 'Registration for this cycle is not open yet.' }
        : reason === 'ended'
          ? { it: 'Questo ciclo si è già concluso.', en: 'This cycle has already ended.' }
          : { it: 'Le iscrizioni a questo ciclo sono chiuse.', en: 'Registration for this cycle is closed.' },
      { reason },
    ),
  cycleFull: () =>
    new AppError(409, 'cycle_full', {
      it: 'Il ciclo è al completo e non ha una lista d’attesa.',
      en: 'This cycle is full and has no waiting list.',
    }),
  alreadyCancelled: () =>
    new AppError(409, 'already_cancelled', {
      it: 'Questa iscrizione è già stata annullata.',
      en: 'This registration has already been cancelled.',
    }),
  /**
   * The sign-up queue is full, or this request waited longer than it allows: an expected fault of a
   * crowd far beyond what the settings were sized for, answered as the contract's 503, never a 500.
   */
  busy: (retryAfterSeconds: number) =>
    new AppError(
      503,
      'service_unavailable',
      {
        it: 'Stiamo ricevendo moltissime iscrizioni in questo momento. Riprova tra qualche secondo: i posti vengono assegnati in ordine di arrivo.',
        en: 'We are receiving a great many sign-ups right now. Please try again in a few seconds: seats are given in order of arrival.',
      },
      undefined,
      retryAfterSeconds,
    ),
};

/** A throttle said no: 429 `rate_limited`, and the seconds after which trying again can work (Retry-After). */
export class RateLimitedError extends ThrottledError {
  constructor(retryAfterSeconds: number, text: Localized) {
    super('rate_limited', text, retryAfterSeconds);
  }
}

export const throttleErrors = {
  /** Too many sign-ups for one email address. */
  perEmail: (retryAfterSeconds: number) => {
    const wait = minutesText(retryAfterSeconds);
    return new RateLimitedError(retryAfterSeconds, {
      it: `Troppe iscrizioni con questo indirizzo email in poco tempo: riprova tra ${wait.it}.`,
      en: `Too many sign-ups with this email address in a short time: please try again in ${wait.en}.`,
    });
  },
  /** Too many from one network (client address): a whole office behind one address may meet it. */
  perAddress: (retryAfterSeconds: number) => {
    const wait = minutesText(retryAfterSeconds);
    return new RateLimitedError(retryAfterSeconds, {
      it: `Troppe richieste dalla tua rete in poco tempo: riprova tra ${wait.it}. Se stai iscrivendo molte persone dello stesso ufficio, scrivi agli organizzatori.`,
      en: `Too many requests from your network in a short time: please try again in ${wait.en}. If you are signing up many people from the same office, write to the organisers.`,
    });
  },
};
