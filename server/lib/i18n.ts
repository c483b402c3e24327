// The one way the server words what a person reads (error messages, emails, calendars, files): the
// catalogues server/messages/{it,en}.json, flat `key: "text with {param}"` files in the same format as
// the pages' Paraglide catalogues (web/messages), and t() to look a text up. The server does not use
// Paraglide's compiled output because that exists only after a build (docs/decisions.md).
import en from '../messages/en.json' with { type: 'json' };
import it from '../messages/it.json' with { type: 'json' };

export type Locale = 'it' | 'en';

type CatalogueKey = Exclude<keyof typeof it, '$schema'>;
/** `theme_cycles` for the pair `theme_cycles_one` / `theme_cycles_other`: chosen by the `count` param. */
type PluralKey = CatalogueKey extends infer K ? (K extends `${infer Base}_other` ? Base : never) : never;
export type MessageKey = CatalogueKey | PluralKey;

/** A parameter: a value written as is, or another message worded in the same language. */
export type Param = string | number | Message;
export type Params = Record<string, Param>;

/**
 * A text not yet worded: what errors carry, since the language is the request's, known only when the
 * answer is written.
 */
export interface Message {
  key: MessageKey;
  params?: Params;
}

export function msg(key: MessageKey, params?: Params): Message {
  return params ? { key, params } : { key };
}

/** The Intl locale of each language, for dates and numbers inside texts. */
export const INTL_LOCALE: Record<Locale, string> = { it: 'it-IT', en: 'en-GB' };

const CATALOGUES: Record<Locale, Record<string, string>> = { it, en };
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
// Made once: building Intl.PluralRules costs far more than using it (the same reason as web/src/lib/i18n.ts).
const PLURAL_RULES: Record<Locale, Intl.PluralRules> = { it: new Intl.PluralRules('it-IT'), en: new Intl.PluralRules('en-GB') };

function pattern(locale: Locale, key: MessageKey, params: Params): string {
  const catalogue = CATALOGUES[locale];
  const found = catalogue[key];
  if (found !== undefined) return found;
  const count = params.count;
  if (typeof count === 'number') {
    // Italian has a "many" form for millions; our catalogues word it like "other".
    const form = catalogue[`${key}_${PLURAL_RULES[locale].select(count)}`] ?? catalogue[`${key}_other`];
    if (form !== undefined) return form;
  }
  // Unreachable while tests/unit/i18n.catalogues.test.ts passes: every key is in both languages.
  throw new Error(`no message "${key}" in ${locale}`);
}

/** The text of `key` in `locale`, with each `{param}` replaced. */
export function t(locale: Locale, key: MessageKey, params: Params = {}): string {
  return pattern(locale, key, params).replace(PLACEHOLDER, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`message "${key}" needs the parameter {${name}}`);
    return text(locale, value);
  });
}

/** A parameter or a message, worded in `locale`. */
export function text(locale: Locale, value: Param): string {
  return typeof value === 'object' ? t(locale, value.key, value.params) : String(value);
}
