import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, isWellFormedToken, tokenKit } from '../../server/lib/tokens.ts';

const SECRET = Buffer.from('a-test-secret-of-more-than-32-bytes-0123456789', 'utf8');
const ID = '6f1c2a9e-2b0a-4c7e-9a51-0d3f5b7e8c21';
const OTHER_ID = '6f1c2a9e-2b0a-4c7e-9a51-0d3f5b7e8c22';

describe('derived link tokens', () => {
  const kit = tokenKit(SECRET);

  it('are 43 characters of base64url (256 bits)', () => {
    for (const purpose of ['manage', 'calendar'] as const) {
      const t = kit.token(purpose, ID, 1);
      expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(t, 'base64url')).toHaveLength(32);
      expect(isWellFormedToken(t)).toBe(true);
    }
  });

  it('are HMAC-SHA256(secret, purpose:id:version) and stable across calls and kits', () => {
    const expected = createHmac('sha256', SECRET).update(`manage:${ID}:1`).digest('base64url');
    expect(kit.token('manage', ID, 1)).toBe(expected);
    expect(tokenKit(Buffer.from(SECRET)).token('manage', ID, 1)).toBe(expected);
  });

  it('differ per purpose, per id, per version and per secret', () => {
    const all = [
      kit.token('manage', ID, 1),
      kit.token('calendar', ID, 1),
      kit.token('manage', OTHER_ID, 1),
      kit.token('manage', ID, 2),
      kit.token('calendar', ID, 2),
      tokenKit(Buffer.from('another-secret-of-more-than-32-bytes-01234', 'utf8')).token('manage', ID, 1),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('issue() returns the token and its SHA-256, which is what gets stored', () => {
    const { token, hash } = kit.issue('manage', ID, 3);
    expect(token).toBe(kit.token('manage', ID, 3));
    expect(hash).toHaveLength(32);
    expect(hash.equals(createHash('sha256').update(token, 'utf8').digest())).toBe(true);
    expect(hash.equals(hashToken(token))).toBe(true);
    // The hash does not reveal the token, in any encoding.
    expect(hash.toString('base64url')).not.toBe(token);
    expect(hash.toString('hex')).not.toContain(token);
  });

  it('hashToken is plain SHA-256 of the UTF-8 text', () => {
    expect(hashToken('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('')).toHaveLength(32);
  });

  it('matches() compares exactly, whatever the lengths', () => {
    const t = kit.token('manage', ID, 1);
    expect(kit.matches(t, t)).toBe(true);
    expect(kit.matches(t, kit.token('manage', ID, 2))).toBe(false);
    expect(kit.matches(t.slice(0, 42), t)).toBe(false);
    expect(kit.matches(t + 'A', t)).toBe(false);
    expect(kit.matches('', t)).toBe(false);
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => tokenKit(Buffer.alloc(31))).toThrow(/32 bytes/);
    expect(() => tokenKit(Buffer.from('', 'utf8'))).toThrow();
    expect(() => tokenKit(Buffer.alloc(32))).not.toThrow();
  });
});

describe('isWellFormedToken', () => {
  it.each([
    ['empty', ''],
    ['42 characters', 'a'.repeat(42)],
    ['44 characters', 'a'.repeat(44)],
    ['base64 padding', 'a'.repeat(42) + '='],
    ['standard base64 +', 'a'.repeat(42) + '+'],
    ['standard base64 /', 'a'.repeat(42) + '/'],
    ['a space', 'a'.repeat(21) + ' ' + 'a'.repeat(21)],
    ['a trailing newline', 'a'.repeat(43) + '\n'],
    ['a leading newline', '\n' + 'a'.repeat(43)],
    ['a dot', 'a'.repeat(42) + '.'],
    ['a percent sign', 'a'.repeat(42) + '%'],
    ['non-ASCII letters', 'à'.repeat(43)],
    ['fullwidth letters', 'ａ'.repeat(43)],
    ['NUL', 'a'.repeat(42) + '\u0000'],
    ['hex SHA-256 (64 characters)', 'f'.repeat(64)],
  ])('rejects %s', (_label, token) => {
    expect(isWellFormedToken(token)).toBe(false);
  });

  it('accepts exactly 43 base64url characters', () => {
    expect(isWellFormedToken('A'.repeat(43))).toBe(true);
    expect(isWellFormedToken('-_' + '09azAZ'.repeat(6) + 'abcde')).toBe(true);
  });
});
