// The text fields people type (names, titles, places), for every module's input schemas.
import { z } from 'zod';

// No control characters (PostgreSQL text can't hold NUL: "a\u0000b" was a 500), no lone surrogates
// (pg would store U+FFFD, not what was sent) and no bidi overrides (they make a name in the organiser's
// list or CSV read as something else); names and organisations are one line anyway.
const PRINTABLE = /^[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]*$/u;
export const text = (max: number) => z.string().trim().min(1).max(max).regex(PRINTABLE);
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(PRINTABLE)
    .nullish()
    .transform((v) => (v ? v : null));
