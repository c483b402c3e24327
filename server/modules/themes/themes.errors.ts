// Errors of theme management, with stable machine codes.
import { AppError, notFound } from '../../lib/errors.ts';

export const themeErrors = {
  unknown: (slug: string) => new AppError(400, 'unknown_theme', { it: `Tema sconosciuto: ${slug}.`, en: `Unknown theme: ${slug}.` }),
  notFound: (slug: string) => notFound({ it: `Tema non trovato: ${slug}.`, en: `Theme not found: ${slug}.` }),
  slugTaken: (slug: string) =>
    new AppError(409, 'theme_slug_taken', {
      it: `Campo slug: esiste già un tema «${slug}».`,
      en: `Field slug: a theme "${slug}" already exists.`,
    }),
  /** Deleting it, or changing its address, while cycles (drafts included) belong to it. */
  inUse: (slug: string, cycles: number) =>
    new AppError(409, 'theme_in_use', {
      it: `Il tema «${slug}» è usato da ${cycles === 1 ? '1 ciclo' : `${cycles} cicli`}: sposta prima i cicli su un altro tema.`,
      en: `The theme "${slug}" is used by ${cycles === 1 ? '1 cycle' : `${cycles} cycles`}: move those cycles to another theme first.`,
    }),
};
