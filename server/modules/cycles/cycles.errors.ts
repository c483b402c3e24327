// Errors of cycle management (creation, changes, publication), with stable machine codes.
import { AppError } from '../../lib/errors.ts';

export const cycleErrors = {
  slugTaken: () =>
    new AppError(409, 'slug_taken', {
      it: 'Esiste già un ciclo con questo indirizzo (slug).',
      en: 'A cycle with this address (slug) already exists.',
    }),
  slugLocked: () =>
    new AppError(409, 'slug_locked', {
      it: 'L’indirizzo di un ciclo pubblicato non si può cambiare: è già stato condiviso.',
      en: 'The address of a published cycle can’t change: it has already been shared.',
    }),
  invalidWindow: () =>
    new AppError(400, 'validation_error', {
      it: 'Campo registrationClosesAt: la chiusura delle iscrizioni deve seguire l’apertura.',
      en: 'Field registrationClosesAt: registration must close after it opens.',
    }),
  capacityBelowSeatsTaken: (seatsTaken: number) =>
    new AppError(409, 'capacity_below_seats_taken', {
      it: `La capienza non può scendere sotto i posti già assegnati (${seatsTaken}). Annulla prima qualche iscrizione.`,
      en: `Capacity can’t go below the seats already taken (${seatsTaken}). Cancel some registrations first.`,
    }),
};
