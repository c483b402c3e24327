// Errors of certificates, with stable machine codes (docs/http-api.md).
import { AppError, notFound } from '../../lib/errors.ts';

export const certificateErrors = {
  notFound: () => notFound({ it: 'Attestato non trovato: controlla il codice.', en: 'Certificate not found: check the code.' }),
  notEligible: (reason: 'not_ended' | 'below_threshold' | 'not_confirmed') =>
    new AppError(
      409,
      'not_eligible',
      reason === 'not_ended'
        ? { it: 'L’attestato sarà disponibile al termine del percorso.', en: 'The certificate will be available when the programme has ended.' }
        : reason === 'not_confirmed'
          ? { it: 'L’attestato è rilasciato solo alle iscrizioni confermate.', en: 'Certificates are issued to confirmed registrations only.' }
          : {
              it: 'La frequenza non raggiunge la soglia richiesta per l’attestato.',
              en: 'Attendance is below the threshold required for the certificate.',
            },
      { reason },
    ),
};
