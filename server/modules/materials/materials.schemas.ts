// The shapes of materials (docs/http-api.md, "Shapes"), for participants and for organisers.
import { z } from 'zod';

// One line of printable text: no control characters, lone surrogates or bidi overrides.
const PRINTABLE = /^[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]*$/u;

export const VisibilitySchema = z.enum(['public', 'registered', 'attended']);

export const MaterialSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  kind: z.enum(['file', 'link']),
  visibility: VisibilitySchema,
  sessionId: z.uuid().nullable(),
  /** Where this viewer downloads or follows it; private ones carry the viewer's own token. */
  url: z.string(),
  /** Files only: the download name, the detected type and the size in bytes. */
  fileName: z.string().nullable(),
  contentType: z.string().nullable(),
  size: z.number().int().nullable(),
  createdAt: z.string(),
});
export type MaterialView = z.infer<typeof MaterialSchema>;

export const AdminMaterialSchema = MaterialSchema.extend({
  cycleId: z.uuid(),
  /** SHA-256 of a file's content (hex). */
  sha256: z.string().nullable(),
  /** For links: where they lead (url is the counted redirect). */
  target: z.string().nullable(),
  downloads: z.number().int(),
  createdBy: z.uuid().nullable(),
  updatedAt: z.string(),
});
export type AdminMaterialView = z.infer<typeof AdminMaterialSchema>;

/** The answer to adding a material: the material, and the mail that will announce it. */
export const CreatedMaterialSchema = AdminMaterialSchema.extend({
  announcement: z.object({
    /** Confirmed registrations that may see it and will be mailed (0: nobody, sendAt is null). */
    recipients: z.number().int(),
    /**
     * When the mail leaves: a while after the upload, so materials added to the same meeting (or to the
     * whole cycle) before then go in the same mail, which moves this time later for everyone waiting.
     */
    sendAt: z.string().nullable(),
  }),
});
export type CreatedMaterialView = z.infer<typeof CreatedMaterialSchema>;

export const MaterialTitle = z.string().trim().min(1).max(200).regex(PRINTABLE, 'must be one line of text');

/** JSON body of the upload routes: a link. Files come as multipart (file, title, visibility). */
export const LinkMaterialBody = z.object({
  title: MaterialTitle,
  url: z
    .string()
    .trim()
    .max(2000)
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' })),
  visibility: VisibilitySchema.default('registered'),
});
export type LinkMaterialInput = z.infer<typeof LinkMaterialBody>;

/** The text fields of a multipart upload. */
export const FileMaterialFields = z.object({
  title: MaterialTitle.optional(),
  visibility: VisibilitySchema.default('registered'),
});

export const MaterialPatchBody = z
  .object({ title: MaterialTitle.optional(), visibility: VisibilitySchema.optional() })
  .refine((v) => v.title !== undefined || v.visibility !== undefined, { message: 'nothing to change' });
export type MaterialPatch = z.infer<typeof MaterialPatchBody>;

// Any string: a malformed id is answered like an unknown one (404), never with a 400 that tells them apart.
export const MaterialIdParams = z.object({ id: z.string() });
export const TokenMaterialParams = z.object({ token: z.string(), id: z.string() });
