// Reading the console's forms: text fields, numbers, and dates and times typed as the programme's wall
// clock (Europe/Rome) turned into instants for the API. The API checks everything again; this only
// gives each field a message a person understands, in their language.
import { TZDate } from '@date-fns/tz';
import { m } from '$lib/paraglide/messages.js';
import type { FieldErrors } from '$lib/components/console/types';
import { ApiError } from '$lib/server/api';

export function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})$/;

/** "2027-01-12" + "09:30" on the wall clock of `timeZone` → an ISO instant; null when malformed. */
export function zonedIso(date: string, time: string, timeZone: string): string | null {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (!d || !t) return null;
  const [y, mo, day, h, mi] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])];
  if (mo < 1 || mo > 12 || day < 1 || day > 31 || h > 23 || mi > 59) return null;
  const z = TZDate.tz(timeZone, y, mo - 1, day, h, mi);
  // TZDate rolls 31 February over to March: refuse instead.
  if (z.getDate() !== day) return null;
  return new Date(z.getTime()).toISOString();
}

/** A `datetime-local` value ("2027-01-12T09:30") in `timeZone` → ISO; '' → null; undefined when malformed. */
export function localDateTime(value: string, timeZone: string): string | null | undefined {
  if (!value) return null;
  const [date, time] = value.split('T');
  return zonedIso(date ?? '', (time ?? '').slice(0, 5), timeZone) ?? undefined;
}

export function integer(value: string, min: number, max: number): number | null {
  if (!/^\d{1,6}$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

/** The API's validation answer, as one message per field of ours (its own text is technical). */
export function apiFieldErrors(e: ApiError, known: string[], rename: (apiField: string) => string = (f) => f): FieldErrors {
  const errors: FieldErrors = {};
  for (const f of e.fields) {
    const name = rename(f.field.split('.')[0] ?? '');
    if (known.includes(name)) errors[name] = m.console_error_field_invalid();
  }
  if (Object.keys(errors).length === 0) errors.form = e.message;
  return errors;
}

/**
 * An API refusal as form errors: validation answers next to their fields, anything else (409
 * slug_taken, capacity_below_seats_taken...) with the API's own message, in the page language.
 */
export function formProblem(e: unknown, known: string[] = [], rename?: (apiField: string) => string): FieldErrors {
  if (e instanceof ApiError && e.code === 'validation_error') return apiFieldErrors(e, known, rename);
  if (e instanceof ApiError && e.status < 500) return { form: e.message };
  throw e;
}

/** An instant as the wall clock of `timeZone` shows it, for date/time inputs: {date: "2027-01-12", time: "09:30"}. */
export function localParts(iso: string, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/** The value of a `datetime-local` input for an instant ('' for none). */
export function localInput(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const p = localParts(iso, timeZone);
  return `${p.date}T${p.time}`;
}
