// Errors of attendance and check-in, with stable machine codes.
import { AppError, minutesText, ThrottledError } from '../../lib/errors.ts';

export const attendanceErrors = {
  notConfirmed: () =>
    new AppError(409, 'not_confirmed', {
      it: 'Questa iscrizione non è confermata (lista d’attesa o annullata).',
      en: 'This registration is not confirmed (waiting list or cancelled).',
    }),
  invalidCode: () =>
    new AppError(400, 'invalid_code', {
      it: 'Codice non valido: controlla le cifre e che l’incontro sia in corso.',
      en: 'Invalid code: check the digits and that the meeting is under way.',
    }),
  tooManyCodes: (retryAfterSeconds: number) => {
    const wait = minutesText(retryAfterSeconds);
    return new ThrottledError(
      'too_many_attempts',
      {
        it: `Troppi codici errati: riprova tra ${wait.it} o chiedi a chi organizza.`,
        en: `Too many wrong codes: try again in ${wait.en} or ask the organiser.`,
      },
      retryAfterSeconds,
    );
  },
  alreadyCheckedIn: () =>
    new AppError(409, 'already_checked_in', {
      it: 'La tua presenza a questo incontro è già registrata.',
      en: 'Your attendance at this meeting is already recorded.',
    }),
  invalidQr: () =>
    new AppError(400, 'invalid_qr', {
      it: 'Codice QR non riconosciuto.',
      en: 'QR code not recognised.',
    }),
  otherCycle: () =>
    new AppError(409, 'other_cycle', {
      it: 'Questo codice QR è di un’iscrizione a un altro ciclo.',
      en: 'This QR code belongs to a registration for another cycle.',
    }),
  sessionCancelled: () =>
    new AppError(409, 'session_cancelled', {
      it: 'Questo incontro è annullato.',
      en: 'This meeting is cancelled.',
    }),
  sessionNotFound: () =>
    new AppError(404, 'not_found', {
      it: 'Incontro non trovato per questa iscrizione.',
      en: 'Meeting not found for this registration.',
    }),
};
