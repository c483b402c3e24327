// Errors of materials, with stable machine codes (API.md).
import { AppError, notFound } from '../../lib/errors.ts';

export const materialErrors = {
  notFound: () => notFound({ it: 'Materiale non trovato.', en: 'Material not found.' }),
  unsupportedType: () =>
    new AppError(400, 'unsupported_type', {
      it: 'Tipo di file non ammesso. Sono accettati PDF, presentazioni e documenti (pptx, docx, xlsx, odp, odt, ods), immagini PNG e JPEG, video MP4 ed e-book EPUB. Il tipo è riconosciuto dal contenuto, non dal nome.',
      en: 'File type not allowed. Accepted: PDF, presentations and documents (pptx, docx, xlsx, odp, odt, ods), PNG and JPEG images, MP4 videos and EPUB e-books. The type is recognised from the content, not the name.',
    }),
  tooLarge: (maxBytes: number) => {
    const mb = Math.round(maxBytes / (1024 * 1024));
    return new AppError(413, 'payload_too_large', {
      it: `File troppo grande: il massimo è ${mb} MB.`,
      en: `File too large: the maximum is ${mb} MB.`,
    });
  },
  invalid: (field: string, it: string, en: string) =>
    new AppError(400, 'validation_error', { it: `Dati non validi. Controlla: ${field} (${it}).`, en: `Invalid data. Check: ${field} (${en}).` }, {
      fields: [{ field, message: en }],
    }),
};
