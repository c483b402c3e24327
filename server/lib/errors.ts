// One error hierarchy with stable machine codes. Services throw these; plugins/errors.ts turns them
// into the contract's body { statusCode, code, message }. Messages exist in Italian and English and are
// chosen per request; the code is what scripts rely on.
export type Localized = { it: string; en: string };

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly text: Localized,
    readonly details?: Record<string, unknown>,
    /** 503s only: seconds the client should wait before trying again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(text.en);
    this.name = 'AppError';
  }
}

export const notFound = (what: Localized = { it: 'Risorsa non trovata.', en: 'Not found.' }) =>
  new AppError(404, 'not_found', what);

export const errors = {
  notFound,
  cycleNotFound: () =>
    notFound({ it: 'Questo ciclo non esiste o non è pubblicato.', en: 'This cycle does not exist or is not published.' }),
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
  consentRequired: () =>
    new AppError(400, 'validation_error', {
      it: 'Campo consent: per iscriversi occorre accettare l’informativa sulla privacy.',
      en: 'Field consent: you must accept the privacy notice to register.',
    }),
};
