// Errors of materials, with stable machine codes (docs/http-api.md).
import { AppError, notFound } from '../../lib/errors.ts';
import { msg, text, type Param } from '../../lib/i18n.ts';

export const materialErrors = {
  notFound: () => notFound(msg('error_material_not_found')),
  unsupportedType: () => new AppError(400, 'unsupported_type', msg('error_material_unsupported_type')),
  tooLarge: (maxBytes: number) => new AppError(413, 'payload_too_large', msg('error_material_too_large', { mb: Math.round(maxBytes / (1024 * 1024)) })),
  /**
   * The storage has no room for the file: 507, a fault of ours, not of the file. The organiser can retry
   * once an administrator has made room (no Retry-After: nobody knows when that is).
   */
  storageFull: () => new AppError(507, 'insufficient_storage', msg('error_storage_full')),
  /** `problem`: a message, or a text that is the same in both languages (zod's own wording). */
  invalid: (field: string, problem: Param) =>
    new AppError(400, 'validation_error', msg('error_invalid_field', { field, problem }), { fields: [{ field, message: text('en', problem) }] }),
};
