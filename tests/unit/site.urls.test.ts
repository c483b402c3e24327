import { describe, expect, it } from 'vitest';
import { localePath, pagePath, pageUrl } from '../../server/lib/site.urls.ts';

describe('page addresses in a language', () => {
  it('Italian pages are the plain paths, English ones the same paths under /en', () => {
    expect(localePath(pagePath.cycle('welfare'), 'it')).toBe('/cicli/welfare');
    expect(localePath(pagePath.cycle('welfare'), 'en')).toBe('/en/cicli/welfare');
    expect(pageUrl('https://officina.example.it', pagePath.registration('T'), 'en')).toBe('https://officina.example.it/en/iscrizione/T');
  });

  it('the English catalogue is /en, never /en/ (which only redirects)', () => {
    expect(localePath(pagePath.catalogue(), 'en')).toBe('/en');
    expect(pageUrl('https://officina.example.it', pagePath.catalogue(), 'it')).toBe('https://officina.example.it/');
  });
});
