// Inputs and outputs of theme management (administrators) and of the theme list every organiser reads.
import { z } from 'zod';

// The theme's address in the catalogue's filter and in /ical/catalogue.ics?theme=<slug>, as the
// database's CHECK has it.
export const ThemeSlug = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens');
// One line, no control characters.
const name = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'one line of text');
const position = z.number().int().min(0).max(10_000);

export const ThemeSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  /** In the request's language. */
  name: z.string(),
  nameIt: z.string(),
  nameEn: z.string(),
  /** Order in lists (lower first, then by slug). */
  position: z.number().int(),
  /** Cycles of this theme, drafts included: a theme in use can't be deleted. */
  cycles: z.number().int(),
});
export type ThemeView = z.infer<typeof ThemeSchema>;

export const ThemeListSchema = z.object({ items: z.array(ThemeSchema) });

export const CreateThemeBody = z.object({ slug: ThemeSlug, nameIt: name, nameEn: name, position: position.optional() });
export type CreateThemeInput = z.infer<typeof CreateThemeBody>;

export const UpdateThemeBody = z
  .object({ slug: ThemeSlug.optional(), nameIt: name.optional(), nameEn: name.optional(), position: position.optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type UpdateThemeInput = z.infer<typeof UpdateThemeBody>;

export const ThemeParams = z.object({ slug: z.string().max(80) });
