// The sign-up form: reading it, checking it with messages a person understands (in their language,
// one per field), and turning the API's own validation answer into the same shape. The API checks
// everything again; this only makes the messages kind.
import { m } from '$lib/paraglide/messages.js';
import type { SignupField, SignupValues } from '$lib/types';
import { SIGNUP_LIMITS } from './limits';

export type FieldErrors = Partial<Record<SignupField, string>>;

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function readSignup(form: FormData): SignupValues {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v.trim() : '';
  };
  return {
    firstName: text('firstName'),
    lastName: text('lastName'),
    email: text('email'),
    organisation: text('organisation'),
    role: text('role'),
    network: text('network'),
    consent: form.get('consent') === 'yes',
  };
}

export function checkSignup(v: SignupValues): FieldErrors {
  const errors: FieldErrors = {};
  if (!v.firstName) errors.firstName = m.error_first_name_required();
  if (!v.lastName) errors.lastName = m.error_last_name_required();
  if (!v.email) errors.email = m.error_email_required();
  else if (!EMAIL.test(v.email)) errors.email = m.error_email_invalid();
  if (!v.organisation) errors.organisation = m.error_organisation_required();
  for (const [field, max] of Object.entries(SIGNUP_LIMITS) as [keyof typeof SIGNUP_LIMITS, number][]) {
    if (!errors[field] && v[field].length > max) errors[field] = m.error_too_long({ max });
  }
  if (!v.consent) errors.consent = m.error_consent_required();
  return errors;
}

/** The API's `fields: [{field, message}]` as messages of ours (its own text is technical). */
export function fieldErrorsFromApi(fields: { field: string; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const { field } of fields) {
    const name = field.split('.')[0] as SignupField;
    if (name === 'consent') errors.consent = m.error_consent_required();
    else if (name === 'email') errors.email = m.error_email_invalid();
    else if (name in SIGNUP_LIMITS) errors[name] = m.error_field_invalid();
  }
  return errors;
}
