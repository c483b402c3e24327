// How languages map to addresses: Italian at the plain paths, English under /en (Paraglide's URL
// strategy). The choice made with the language switch is remembered in the officina_lang cookie, which
// the API reads too (server/lib/locale.ts); hooks.server.ts applies it.
import { deLocalizeHref, getLocale, localizeHref, locales, type Locale } from '$lib/paraglide/runtime.js';

// The page paths the server also writes into mail, PDFs and calendars: links are href(pagePath.x(...)).
export { pagePath } from '../../../server/lib/site.urls';

export const LANG_COOKIE = 'officina_lang';
export const LANG_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

export const languageNames: Record<Locale, string> = { it: 'Italiano', en: 'English' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** The page language an address asks for: /en and /en/... are English, everything else Italian. */
export function localeOfPath(pathname: string): Locale {
  return pathname === '/en' || pathname.startsWith('/en/') ? 'en' : 'it';
}

/** SvelteKit answers /en/ with a redirect to /en: link to the final address directly. */
function tidy(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** An internal link in the current page's language (e.g. href(pagePath.cycle('x')) -> '/en/cicli/x'). */
export function href(path: string, locale: Locale = getLocale()): string {
  return tidy(localizeHref(path, { locale }));
}

/** The same page in another language: path and query, without the language prefix of this one. */
export function samePageIn(url: URL, locale: Locale, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams(url.search);
  search.delete('lang');
  for (const [k, v] of Object.entries(extra)) search.set(k, v);
  const query = search.toString();
  const base = deLocalizeHref(url.pathname);
  return tidy(localizeHref(base, { locale })) + (query ? `?${query}` : '');
}

// Made once: building Intl.PluralRules on every call showed up in the catalogue page's profile.
const PLURAL_RULES = { it: new Intl.PluralRules('it-IT'), en: new Intl.PluralRules('en-GB') };

/** Picks the `_one` or `_other` form of a message for a count, by the language's plural rules. */
export function plural(count: number, forms: { one: string; other: string }, locale: Locale = getLocale()): string {
  return PLURAL_RULES[locale === 'it' ? 'it' : 'en'].select(count) === 'one' ? forms.one : forms.other;
}
