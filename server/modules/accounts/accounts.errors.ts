// Errors of sign-in and account management, with stable machine codes (see server/README or the
// "Organisers" section of docs/http-api.md).
import { AppError, minutesText, ThrottledError, type Localized } from '../../lib/errors.ts';

export const authErrors = {
  invalidCredentials: () =>
    new AppError(401, 'invalid_credentials', {
      it: 'Email o password non corretti.',
      en: 'Wrong email or password.',
    }),
  tooManyAttempts: (retryAfterSeconds: number) => {
    const wait = minutesText(retryAfterSeconds);
    return new ThrottledError(
      'too_many_attempts',
      {
        it: `Troppi tentativi di accesso non riusciti. Riprova tra ${wait.it}.`,
        en: `Too many failed sign-in attempts. Try again in ${wait.en}.`,
      },
      retryAfterSeconds,
    );
  },
  unauthenticated: () =>
    new AppError(401, 'unauthenticated', {
      it: 'Accesso richiesto: entra con il tuo account.',
      en: 'Sign-in required.',
    }),
  sessionExpired: () =>
    new AppError(401, 'session_expired', {
      it: 'La sessione è scaduta: entra di nuovo.',
      en: 'Your session has expired: please sign in again.',
    }),
  csrfInvalid: () =>
    new AppError(403, 'csrf_invalid', {
      it: 'Richiesta rifiutata: token di sicurezza (CSRF) mancante o non valido. Ricarica la pagina.',
      en: 'Request refused: missing or invalid security (CSRF) token. Reload the page.',
    }),
  originNotAllowed: () =>
    new AppError(403, 'origin_not_allowed', {
      it: 'Richiesta rifiutata: proviene da un altro sito.',
      en: 'Request refused: it comes from another site.',
    }),
  forbidden: () =>
    new AppError(403, 'forbidden', {
      it: 'Non hai i permessi per questa operazione.',
      en: 'You are not allowed to do this.',
    }),
  emailTaken: () =>
    new AppError(409, 'email_taken', {
      it: 'Esiste già un account con questo indirizzo email.',
      en: 'An account with this email address already exists.',
    }),
  lastAdministrator: () =>
    new AppError(409, 'last_administrator', {
      it: 'Deve restare almeno un amministratore attivo.',
      en: 'At least one active administrator must remain.',
    }),
  /** A password on the list of common ones (passwords.policy.ts); `field` as the request named it. */
  weakPassword: (field: string, why: Localized) =>
    new AppError(
      400,
      'weak_password',
      { it: `Campo ${field}: la password ${why.it}.`, en: `Field ${field}: the password ${why.en}.` },
      { fields: [{ field, message: why.en }] },
    ),
  wrongPassword: () =>
    new AppError(400, 'wrong_password', {
      it: 'La password attuale non è corretta.',
      en: 'The current password is wrong.',
    }),
  accountNotFound: () => new AppError(404, 'not_found', { it: 'Account non trovato.', en: 'Account not found.' }),
};
