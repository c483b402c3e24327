// The Italian of the pages (issue 15): one word for the unit people sign up to, "ciclo"; neutral
// phrasing instead of "iscritto o iscritta"; no article written before a date in a message, since the
// article depends on the day ("dal 2", "dall'11": web/src/lib/format.ts datePhrase builds the phrase).
import { describe, expect, it } from 'vitest';
import it_ from '../../web/messages/it.json' with { type: 'json' };

const texts = Object.entries(it_).filter(([key]) => key !== '$schema');

describe('the Italian catalogue of the pages', () => {
  it('says "ciclo", never "percorso"', () => {
    expect(texts.filter(([, text]) => /percors/i.test(text))).toEqual([]);
  });

  it('never writes "iscritto o iscritta" (nor the other way round)', () => {
    expect(texts.filter(([, text]) => /iscritt[oa] o iscritt[oa]/i.test(text))).toEqual([]);
  });

  it('leaves the article of a date to the date phrase', () => {
    expect(texts.filter(([, text]) => /\b(il|dal|al|del|nel|sul)\s+\{[a-z_]+\}/i.test(text) && /\{(date|day|when|from|to|on|since)\}/.test(text))).toEqual([]);
  });
});
