// What a material looks like to a person: the kind of file in words ("PDF", "PowerPoint", "immagine
// PNG"), its size ("1,2 MB"), and the materials grouped by meeting in the order of the meetings, with
// those of the whole cycle first.
import { m } from '$lib/paraglide/messages.js';
import type { Locale } from '$lib/paraglide/runtime.js';
import type { Material, Session } from '$lib/types';

// The types the server accepts (server/modules/materials/materials.files.ts); names people know.
const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel',
  'application/vnd.oasis.opendocument.presentation': 'OpenDocument (ODP)',
  'application/vnd.oasis.opendocument.text': 'OpenDocument (ODT)',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument (ODS)',
  'application/epub+zip': 'EPUB',
};

export function typeName(contentType: string | null): string {
  if (!contentType) return m.materials_type_document();
  const known = TYPE_NAMES[contentType];
  if (known) return known;
  const [family, sub = ''] = contentType.split('/');
  const format = sub.toUpperCase() === 'JPEG' ? 'JPEG' : sub.toUpperCase();
  if (family === 'image') return m.materials_type_image({ format });
  if (family === 'video') return m.materials_type_video({ format });
  return m.materials_type_document();
}

/** "850 KB", "1,2 MB" (decimal units, as file managers show them). */
export function formatSize(bytes: number | null, locale: Locale): string {
  if (bytes === null) return '';
  const tag = locale === 'it' ? 'it-IT' : 'en-GB';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(tag, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** The words after a material's title: "File PDF, 1,2 MB" or "Link esterno". */
export function materialMeta(material: Material, locale: Locale): string {
  if (material.kind === 'link') return m.materials_link_meta();
  return m.materials_file_meta({ type: typeName(material.contentType), size: formatSize(material.size, locale) });
}

export interface MaterialGroup {
  /** null: materials of the whole cycle. */
  session: Session | null;
  /** 1-based position of the meeting among the cycle's meetings. */
  number: number | null;
  items: Material[];
}

/** Cycle-wide materials first, then one group per meeting that has some, in the meetings' order. */
export function groupByMeeting(materials: Material[], sessions: Session[]): MaterialGroup[] {
  const groups: MaterialGroup[] = [];
  const wide = materials.filter((x) => x.sessionId === null);
  if (wide.length) groups.push({ session: null, number: null, items: wide });
  sessions.forEach((s, i) => {
    const items = materials.filter((x) => x.sessionId === s.id);
    if (items.length) groups.push({ session: s, number: i + 1, items });
  });
  // A material of a meeting the list does not show (it should not happen): keep it visible anyway.
  const known = new Set(sessions.map((s) => s.id));
  const orphans = materials.filter((x) => x.sessionId !== null && !known.has(x.sessionId));
  if (orphans.length) {
    if (groups[0]?.session === null) groups[0].items.push(...orphans);
    else groups.unshift({ session: null, number: null, items: orphans });
  }
  return groups;
}
