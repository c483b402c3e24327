// Errors of theme management, with stable machine codes.
import { AppError, notFound } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';

export const themeErrors = {
  unknown: (slug: string) => new AppError(400, 'unknown_theme', msg('error_unknown_theme', { slug })),
  notFound: (slug: string) => notFound(msg('error_theme_not_found', { slug })),
  slugTaken: (slug: string) => new AppError(409, 'theme_slug_taken', msg('error_theme_slug_taken', { slug })),
  /** Deleting it, or changing its address, while cycles (drafts included) belong to it. */
  inUse: (slug: string, cycles: number) =>
    new AppError(409, 'theme_in_use', msg('error_theme_in_use', { slug, cycles: msg('theme_cycles', { count: cycles }) })),
};
