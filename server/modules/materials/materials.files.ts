// What a file is (decided from its bytes, never from its name), which kinds are accepted, and how an
// uploader's file name is made safe to send back in Content-Disposition.
import { Readable } from 'node:stream';

/**
 * The kinds of material a training programme publishes: slides and documents (PDF, Office Open XML,
 * OpenDocument), pictures, recordings, e-books. A generic zip is refused: it can carry anything
 * (executables included) and nobody can tell what from outside. Office files are zips too; file-type
 * recognises them from their [Content_Types].xml or mimetype entry.
 */
export const ALLOWED_TYPES: Record<string, { ext: string; aliases?: string[] }> = {
  'application/pdf': { ext: 'pdf' },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { ext: 'pptx' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { ext: 'docx' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { ext: 'xlsx' },
  'application/vnd.oasis.opendocument.presentation': { ext: 'odp' },
  'application/vnd.oasis.opendocument.text': { ext: 'odt' },
  'application/vnd.oasis.opendocument.spreadsheet': { ext: 'ods' },
  'image/png': { ext: 'png' },
  'image/jpeg': { ext: 'jpg', aliases: ['jpeg'] },
  'video/mp4': { ext: 'mp4', aliases: ['m4v'] },
  'application/epub+zip': { ext: 'epub' },
};

/**
 * The detected type if it is an accepted one, else null (unknown content, HTML, executables...).
 * file-type 22 reads web streams only; it reads the first bytes it needs, and destroying the Node
 * stream afterwards closes the file however far it got.
 */
export async function detectAllowedType(content: Readable): Promise<{ mime: string; ext: string } | null> {
  try {
    // Loaded at the first upload, not at start-up (idle memory, issue 13).
    const { fileTypeFromStream } = await import('file-type');
    const found = await fileTypeFromStream(Readable.toWeb(content));
    if (!found || !Object.hasOwn(ALLOWED_TYPES, found.mime)) return null;
    return { mime: found.mime, ext: ALLOWED_TYPES[found.mime]!.ext };
  } finally {
    content.destroy();
  }
}

// Control characters (NUL included), lone surrogates, bidi overrides (they make "gpj.exe" read as
// "exe.jpg"), and the characters Windows forbids in names.
const UNSAFE = /[\p{Cc}\p{Cs}\u200B-\u200F\u202A-\u202E\u2066-\u2069<>:"/\\|?*]/gu;
const MAX_NAME = 150;

/**
 * The uploader's file name reduced to something harmless, used only as the suggested download name:
 * the last path segment, unsafe characters replaced, no leading dots, at most 150 characters, and an
 * extension that matches the detected type (a PDF named "x.exe" downloads as "x.exe.pdf").
 */
export function safeFileName(original: string | undefined, type: { mime: string; ext: string }, fallback = 'materiale'): string {
  const last = (original ?? '').split(/[/\\]/).pop() ?? '';
  let name = last
    .normalize('NFC')
    .replace(UNSAFE, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const accepted = [type.ext, ...(ALLOWED_TYPES[type.mime]?.aliases ?? [])];
  let base = name;
  if (accepted.includes(ext)) base = name.slice(0, dot);
  if (!base.replace(/[_\s.-]/g, '')) base = fallback;
  // Cut by code points, never inside a surrogate pair.
  const room = MAX_NAME - type.ext.length - 1;
  const chars = [...base];
  if (chars.length > room) base = chars.slice(0, room).join('').trim();
  name = `${base}.${accepted.includes(ext) ? ext : type.ext}`;
  return name;
}

/** RFC 6266 / RFC 5987: an ASCII fallback and the exact UTF-8 name. */
export function contentDisposition(kind: 'attachment' | 'inline', fileName: string): string {
  const ascii = fileName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\;%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
