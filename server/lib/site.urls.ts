// The addresses of the site's pages, in one place. The server writes them into emails, certificates (the
// QR code), calendars and API answers; the pages (web/) link with the same functions, through a relative
// import, so a page and the link that leads to it cannot drift apart. Paths are Italian; the English
// pages are the same paths under /en (web/src/lib/i18n.ts adds the prefix). API (/api) and feed (/ical)
// addresses are the HTTP contract (docs/http-api.md) and are not here.
// No imports: Node runs this file with type stripping on the server, vite bundles it into the pages.

const seg = encodeURIComponent;

/** The path of every page, without the language prefix. */
export const pagePath = {
  catalogue: () => '/',
  cycle: (slug: string) => `/cicli/${seg(slug)}`,
  /** "My registration": the private link (the manage token) every participant receives. */
  registration: (token: string) => `/iscrizione/${seg(token)}`,
  cancelRegistration: (token: string) => `/iscrizione/${seg(token)}/annulla`,
  eraseRegistration: (token: string) => `/iscrizione/${seg(token)}/dati/elimina`,
  /** A participant's own check-in to a meeting (session), with the code shown in the room. */
  checkIn: (sessionId: string) => `/presenza/${seg(sessionId)}`,
  /**
   * What a participant's check-in QR encodes (on PUBLIC_URL): `code` is the registration's check-in code
   * (`<registration id>.<HMAC>`, attendance.codes.ts), never the manage token. A phone's camera app opens
   * it as a page telling the participant what the QR is for; the organiser's scanner reads the code out
   * of it. Short on purpose: a shorter text makes a QR with bigger squares, easier to read.
   */
  checkInPass: (code: string) => `/qr/${seg(code)}`,
  /** The public verification of a certificate: the address its QR code carries. */
  verify: (code?: string) => (code === undefined ? '/verifica' : `/verifica/${seg(code)}`),
  /** "Send me my links again" (a lost manage link). */
  lostLinks: () => '/recupera-link',
  /** All the data held about an email address: the request form, then the page its link opens. */
  personalData: (token?: string) => (token === undefined ? '/dati' : `/dati/${seg(token)}`),
  dataErased: () => '/dati-cancellati',
  privacy: () => '/privacy',
  console: {
    home: () => '/console',
    signIn: () => '/console/accedi',
    signOut: () => '/console/esci',
    password: () => '/console/password',
    themes: () => '/console/temi',
    /** The accounts of organisers and administrators (administrators only). */
    accounts: () => '/console/utenti',
    newCycle: () => '/console/cicli/nuovo',
    cycle: (id: string) => `/console/cicli/${seg(id)}`,
    cycleEdit: (id: string) => `/console/cicli/${seg(id)}/modifica`,
    cycleRegistrations: (id: string) => `/console/cicli/${seg(id)}/iscrizioni`,
    cycleMaterials: (id: string) => `/console/cicli/${seg(id)}/materiali`,
    cycleMessages: (id: string) => `/console/cicli/${seg(id)}/messaggi`,
    cycleStats: (id: string) => `/console/cicli/${seg(id)}/statistiche`,
    /** A meeting's day page (roster, check-in code); "session" in the API. */
    meeting: (id: string) => `/console/incontri/${seg(id)}`,
    meetingEdit: (id: string) => `/console/incontri/${seg(id)}/modifica`,
    /** The check-in code alone, for the projector. */
    meetingCode: (id: string) => `/console/incontri/${seg(id)}/codice`,
  },
};

/** An absolute address for mail, PDFs and calendars: PUBLIC_URL (config.ts trims its slash) and a path. */
export function siteUrl(publicUrl: string, path: string): string {
  return `${publicUrl}${path}`;
}

/**
 * A page's path in a language: the English pages are the same paths under /en, and the English
 * catalogue is /en itself (SvelteKit answers /en/ with a redirect). For links written outside the pages,
 * where no Paraglide runtime knows the language (mail); the pages use href() of web/src/lib/i18n.ts.
 */
export function localePath(path: string, locale: 'it' | 'en'): string {
  if (locale === 'it') return path;
  return path === '/' ? '/en' : `/en${path}`;
}

/** The absolute address of a page in a language (links in a mail open the reader's language). */
export function pageUrl(publicUrl: string, path: string, locale: 'it' | 'en'): string {
  return siteUrl(publicUrl, localePath(path, locale));
}

/**
 * Page paths that were English until the paths were made one language: printed certificates carry
 * /verify/<code> in their QR code and emails already sent carry the others, so each old path answers
 * with a permanent redirect to its new one (server/plugins/web.plugin.ts), with the rest of the path
 * and the query kept. Old prefix -> new prefix, matched on whole path segments.
 */
const RENAMED_PATHS: ReadonlyArray<readonly [string, string]> = [
  ['/verify', '/verifica'],
  ['/link', '/recupera-link'],
  ['/check-in', '/presenza'],
  ['/console/account', '/console/utenti'],
];

/** Where an old page address now lives (/en kept), or null when the path was never renamed. */
export function renamedPath(pathname: string): string | null {
  const english = pathname === '/en' || pathname.startsWith('/en/');
  const path = english ? pathname.slice(3) : pathname;
  for (const [from, to] of RENAMED_PATHS) {
    if (path === from || path.startsWith(`${from}/`)) return `${english ? '/en' : ''}${to}${path.slice(from.length)}`;
  }
  return null;
}
