// Errors of certificates, with stable machine codes (docs/http-api.md).
import { AppError, notFound } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';

const NOT_ELIGIBLE = {
  not_ended: 'error_certificate_not_ended',
  not_confirmed: 'error_certificate_not_confirmed',
  below_threshold: 'error_certificate_below_threshold',
} as const;

export const certificateErrors = {
  notFound: () => notFound(msg('error_certificate_not_found')),
  notEligible: (reason: keyof typeof NOT_ELIGIBLE) => new AppError(409, 'not_eligible', msg(NOT_ELIGIBLE[reason]), { reason }),
};
