// The throttle counter is batch-first (the coalesced sign-up pipeline throttles a whole batch with one
// statement): duplicates of one counter inside a batch are decided in arrival order, an attempt passes
// only when every counter it spends from is within its limit, and the next batch sees the totals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throttlesService } from '../../server/modules/throttles/throttles.service.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

describe('throttlesService.consume', () => {
  it('decides one batch in arrival order, per counter, and carries the counts to the next batch', async () => {
    const at = new Date('2026-12-03T10:05:00Z');
    const throttles = throttlesService({ db: database.db, secret: Buffer.from('s'.repeat(32)), clock: () => at });
    const perEmail = { scope: 'test:email', limit: 3, windowMs: 60 * 60_000 };
    const perAddress = { scope: 'test:address', limit: 4, windowMs: 10 * 60_000 };
    const attempt = (email: string, address: string) => [
      { rule: perEmail, value: email },
      { rule: perAddress, value: address },
    ];
    const first = await throttles.consume([
      attempt('a', '1'),
      attempt('a', '1'),
      attempt('b', '1'),
      attempt('a', '2'),
      attempt('a', '2'), // a's 4th: over the email limit
      attempt('b', '1'),
      attempt('c', '1'), // address 1's 5th: over the address limit
    ]);
    expect(first.map((d) => d.allowed)).toEqual([true, true, true, true, false, true, false]);
    expect(first[4]).toEqual({ allowed: false, rule: perEmail, retryAfterSeconds: 55 * 60 });
    expect(first[6]).toEqual({ allowed: false, rule: perAddress, retryAfterSeconds: 5 * 60 });

    const second = await throttles.consume([attempt('b', '3'), attempt('b', '3'), attempt('d', '2')]);
    expect(second.map((d) => d.allowed)).toEqual([true, false, true]);
    const rows = await database.db.selectFrom('throttle_counters').select(['scope', 'count']).orderBy('scope').orderBy('count').execute();
    expect(rows.filter((r) => r.scope === 'test:email').map((r) => r.count)).toEqual([1, 1, 4, 4]); // c, d; a and b: refused attempts count too
  });

  it('keeps no address in clear and purges rows older than a day', async () => {
    const rows = await database.db.selectFrom('throttle_counters').select(['key']).execute();
    for (const r of rows) expect(r.key).toHaveLength(32);
    const later = throttlesService({ db: database.db, secret: Buffer.from('s'.repeat(32)), clock: () => new Date('2026-12-04T10:06:00Z') });
    expect(await later.purge()).toBe(rows.length);
  });
});
