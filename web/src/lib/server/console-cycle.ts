// The cycle form of the console (new draft and edit): reading it, checking it, and the API body.
import { m } from '$lib/paraglide/messages.js';
import type { AdminCycle, CycleValues, FieldErrors } from '$lib/components/console/types';

export type { CycleValues };
import { integer, localDateTime, localInput, text } from './console-forms';
import { CYCLE_LIMITS } from './limits';

export const CYCLE_FIELDS = [
  'title',
  'slug',
  'themeSlug',
  'kind',
  'format',
  'location',
  'capacity',
  'opensAt',
  'closesAt',
  'threshold',
  'credits',
  'audience',
  'summary',
  'description',
  'contactName',
  'contactEmail',
  'contactPhone',
];

/** Form names ↔ API names, to put the API's own validation answer next to the right field. */
const API_NAMES: Record<string, string> = {
  registrationOpensAt: 'opensAt',
  registrationClosesAt: 'closesAt',
  attendanceThreshold: 'threshold',
  waitlistEnabled: 'waitlistEnabled',
};
export const formName = (apiField: string) => API_NAMES[apiField] ?? apiField;

export function emptyCycle(): CycleValues {
  return {
    title: '',
    slug: '',
    themeSlug: '',
    kind: 'cycle',
    format: 'in_person',
    location: '',
    capacity: '25',
    waitlistEnabled: true,
    opensAt: '',
    closesAt: '',
    threshold: '75',
    credits: '',
    audience: '',
    summary: '',
    description: '',
    contactName: '',
    contactEmail: '',
    contactPhone: '',
  };
}

export function cycleValues(c: AdminCycle, timeZone: string): CycleValues {
  return {
    title: c.title,
    slug: c.slug,
    themeSlug: c.theme.slug,
    kind: c.kind,
    format: c.format,
    location: c.location ?? '',
    capacity: String(c.capacity),
    waitlistEnabled: c.waitlistEnabled,
    opensAt: localInput(c.registrationOpensAt, timeZone),
    closesAt: localInput(c.registrationClosesAt, timeZone),
    threshold: String(Math.round(c.attendanceThreshold * 1000) / 10),
    credits: c.credits ?? '',
    audience: c.audience ?? '',
    summary: c.summary,
    description: c.description,
    // The programme's contact is shown beside the form, not copied into it: saving must not make it the cycle's.
    contactName: c.contactInherited ? '' : (c.contact?.name ?? ''),
    contactEmail: c.contactInherited ? '' : (c.contact?.email ?? ''),
    contactPhone: c.contactInherited ? '' : (c.contact?.phone ?? ''),
  };
}

export function readCycle(form: FormData): CycleValues {
  const kind = text(form, 'kind');
  const format = text(form, 'format');
  return {
    title: text(form, 'title'),
    slug: text(form, 'slug').toLowerCase(),
    themeSlug: text(form, 'themeSlug'),
    kind: kind === 'conference' ? 'conference' : 'cycle',
    format: format === 'online' || format === 'hybrid' ? format : 'in_person',
    location: text(form, 'location'),
    capacity: text(form, 'capacity'),
    waitlistEnabled: form.get('waitlistEnabled') === 'yes',
    opensAt: text(form, 'opensAt'),
    closesAt: text(form, 'closesAt'),
    threshold: text(form, 'threshold').replace(',', '.'),
    credits: text(form, 'credits'),
    audience: text(form, 'audience'),
    summary: text(form, 'summary'),
    description: text(form, 'description'),
    contactName: text(form, 'contactName'),
    contactEmail: text(form, 'contactEmail'),
    contactPhone: text(form, 'contactPhone'),
  };
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
// A first look only: the API's own check (zod's email, the phone pattern) has the last word, and its
// answer lands next to the same field.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ./()-]{4,}$/;

function checkContact(v: CycleValues, errors: FieldErrors) {
  if (v.contactName.length > CYCLE_LIMITS.contactName) errors.contactName = m.console_too_long({ max: CYCLE_LIMITS.contactName });
  else if (!v.contactName && (v.contactEmail || v.contactPhone)) errors.contactName = m.console_cycle_contact_name_required();
  if (v.contactEmail && (!EMAIL.test(v.contactEmail) || v.contactEmail.length > CYCLE_LIMITS.contactEmail))
    errors.contactEmail = m.console_cycle_contact_email_invalid();
  else if (!v.contactEmail && v.contactName) errors.contactEmail = m.console_cycle_contact_email_required();
  if (v.contactPhone && (!PHONE.test(v.contactPhone) || v.contactPhone.length > CYCLE_LIMITS.contactPhone))
    errors.contactPhone = m.console_cycle_contact_phone_invalid();
}

/** Checks the values and builds the API body (POST or PATCH /api/admin/cycles). */
export function checkCycle(v: CycleValues, timeZone: string, opts: { slugLocked: boolean }) {
  const errors: FieldErrors = {};
  if (!v.title) errors.title = m.console_cycle_title_required();
  else if (v.title.length > CYCLE_LIMITS.title) errors.title = m.console_too_long({ max: CYCLE_LIMITS.title });
  if (v.slug && !opts.slugLocked && (!SLUG.test(v.slug) || v.slug.length > CYCLE_LIMITS.slug)) errors.slug = m.console_cycle_slug_invalid();
  if (!v.themeSlug) errors.themeSlug = m.console_cycle_theme_required();
  if (v.location.length > CYCLE_LIMITS.location) errors.location = m.console_too_long({ max: CYCLE_LIMITS.location });
  const capacity = integer(v.capacity, 0, 100_000);
  if (capacity === null) errors.capacity = m.console_cycle_capacity_invalid();
  const opens = localDateTime(v.opensAt, timeZone);
  const closes = localDateTime(v.closesAt, timeZone);
  if (opens === undefined) errors.opensAt = m.console_datetime_invalid();
  if (closes === undefined) errors.closesAt = m.console_datetime_invalid();
  if (opens && closes && Date.parse(closes) <= Date.parse(opens)) errors.closesAt = m.console_cycle_closes_before_opens();
  const threshold = v.threshold === '' ? NaN : Number(v.threshold);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) errors.threshold = m.console_cycle_threshold_invalid();
  if (v.credits.length > CYCLE_LIMITS.credits) errors.credits = m.console_too_long({ max: CYCLE_LIMITS.credits });
  if (v.audience.length > CYCLE_LIMITS.audience) errors.audience = m.console_too_long({ max: CYCLE_LIMITS.audience });
  if (v.summary.length > CYCLE_LIMITS.summary) errors.summary = m.console_too_long({ max: CYCLE_LIMITS.summary });
  if (v.description.length > CYCLE_LIMITS.description) errors.description = m.console_too_long({ max: CYCLE_LIMITS.description });
  checkContact(v, errors);
  const body = {
    title: v.title,
    ...(v.slug && !opts.slugLocked ? { slug: v.slug } : {}),
    themeSlug: v.themeSlug,
    kind: v.kind,
    format: v.format,
    location: v.location || null,
    capacity: capacity ?? 0,
    waitlistEnabled: v.waitlistEnabled,
    registrationOpensAt: opens ?? null,
    registrationClosesAt: closes ?? null,
    attendanceThreshold: Math.round(threshold * 10) / 1000,
    // Emptied: the cycle grants no credits (null clears them).
    credits: v.credits || null,
    // Emptied: the page no longer says whom the cycle is for.
    audience: v.audience || null,
    summary: v.summary,
    description: v.description,
    // Always all three: emptied fields clear the cycle's contact (the programme's then answers, if any).
    contactName: v.contactName || null,
    contactEmail: v.contactEmail || null,
    contactPhone: v.contactPhone || null,
  };
  return { errors, body };
}
