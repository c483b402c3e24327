// Errors of materials, with stable machine codes (docs/http-api.md).
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
  /**
   * The storage has no room for the file: 507, a fault of ours, not of the file. The organiser can retry
   * once an administrator has made room (no Retry-After: nobody knows when that is).
   */
  storageFull: () =>
    new AppError(507, 'insufficient_storage', {
      it: 'Spazio su disco esaurito sul server: il file non è stato salvato. Riprova più tardi o avvisa l’amministratore.',
      en: 'The server has run out of disk space: the file was not saved. Try again later or tell the administrator.',
    }),
  invalid: (field: string, it: string, en: string) =>
    new AppError(
      400,
      'validation_error',
      { it: `Dati non validi. Controlla: ${field} (${it}).`, en: `Invalid data. Check: ${field} (${en}).` },
      {
        fields: [{ field, message: en }],
      },
    ),
};
