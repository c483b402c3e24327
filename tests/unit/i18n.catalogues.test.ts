// The message catalogues, server (server/messages) and pages (web/messages): every text exists in both
// languages with the same {parameters}, so no reader ever meets a missing text or a raw placeholder;
// and every server message is used somewhere, so the catalogue holds no dead texts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { t } from '../../server/lib/i18n.ts';

const ROOT = join(import.meta.dirname, '../..');
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function catalogue(dir: string, locale: string): Record<string, string> {
  const all = JSON.parse(readFileSync(join(ROOT, dir, `${locale}.json`), 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(all).filter(([key]) => !key.startsWith('$'))) as Record<string, string>;
}

/** key -> its parameters, sorted: the shape a language must match. */
function shape(messages: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(messages).map(([key, text]) => [key, [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort()]));
}

describe.each(['server/messages', 'web/messages'])('%s', (dir) => {
  const it_ = catalogue(dir, 'it');
  const en = catalogue(dir, 'en');

  it('has the same keys and the same parameters in Italian and English', () => {
    expect(shape(en)).toEqual(shape(it_));
  });

  it('has only texts, none empty', () => {
    for (const [key, text] of [...Object.entries(it_), ...Object.entries(en)]) {
      expect(typeof text === 'string' && text.trim() !== '', key).toBe(true);
    }
  });

  it('has the singular of every plural (`_one` beside `_other`)', () => {
    for (const key of Object.keys(it_)) {
      if (key.endsWith('_other')) expect(it_, key).toHaveProperty(key.replace(/_other$/, '_one'));
    }
  });
});

describe('server messages', () => {
  it('are all used by the server or the emails', () => {
    const source = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile() && f.name.endsWith('.ts'))
        .map((f) => readFileSync(join(f.parentPath, f.name), 'utf8'));
    const code = [...source('server'), ...source('emails')].join('\n');
    const unused = Object.keys(catalogue('server/messages', 'it'))
      .map((key) => key.replace(/_(one|other)$/, ''))
      .filter((key) => !code.includes(`'${key}'`));
    expect(unused).toEqual([]);
  });

  it('word parameters, nested messages and plurals in the language asked for', () => {
    const wait = { key: 'wait_minutes', params: { count: 1 } } as const;
    expect(t('it', 'error_too_many_codes', { wait })).toBe('Troppi codici errati: riprova tra 1 minuto o chiedi a chi organizza.');
    expect(t('en', 'error_too_many_codes', { wait: { ...wait, params: { count: 5 } } })).toBe(
      'Too many wrong codes: try again in 5 minutes or ask the organiser.',
    );
    // Italian's "many" form (a million) falls back to "other".
    expect(t('it', 'wait_minutes', { count: 1_000_000 })).toBe('1000000 minuti');
  });

  it('refuse a missing parameter instead of showing a raw placeholder', () => {
    expect(() => t('it', 'error_invalid_data')).toThrow(/\{list\}/);
  });
});
