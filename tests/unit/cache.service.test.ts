// The read cache alone: entries live for the TTL, invalidations drop what depends on them, and
// computations are coalesced per key (one running, at most one queued behind it).
import { describe, expect, it } from 'vitest';
import { EVERY_CYCLE, GLOBAL, ONE_CYCLE, ReadCache } from '../../server/modules/cache/cache.service.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ReadCache', () => {
  it('serves an entry until the TTL has passed, then computes again', async () => {
    const c = clock();
    const cache = new ReadCache({ ttlMs: 1000, now: c.now });
    let n = 0;
    const get = () =>
      cache.get(
        'k',
        async () => ++n,
        () => EVERY_CYCLE,
      );
    expect(await get()).toBe(1);
    c.advance(999);
    expect(await get()).toBe(1);
    c.advance(1);
    expect(await get()).toBe(2);
  });

  it('shares one computation between concurrent callers', async () => {
    const cache = new ReadCache();
    const d = deferred<string>();
    let n = 0;
    const compute = () => {
      n += 1;
      return d.promise;
    };
    const all = Promise.all(Array.from({ length: 50 }, () => cache.get('k', compute, () => EVERY_CYCLE)));
    d.resolve('v');
    expect(await all).toEqual(Array(50).fill('v'));
    expect(n).toBe(1);
  });

  it('after an invalidation during a computation, later callers share one queued computation that starts after it', async () => {
    const cache = new ReadCache();
    const runs: ReturnType<typeof deferred<number>>[] = [];
    const compute = () => {
      const d = deferred<number>();
      runs.push(d);
      return d.promise;
    };
    const first = cache.get('k', compute, () => EVERY_CYCLE);
    await Promise.resolve();
    expect(runs).toHaveLength(1);
    // A crowd of writes, each announced, while the first computation runs; readers keep coming.
    const later: Promise<number>[] = [];
    for (let i = 0; i < 100; i++) {
      cache.invalidate('some-cycle');
      later.push(cache.get('k', compute, () => EVERY_CYCLE));
    }
    await new Promise((r) => setImmediate(r));
    expect(runs).toHaveLength(1); // the queued one waits for the running one
    runs[0]!.resolve(1);
    expect(await first).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(2);
    expect(await Promise.all(later)).toEqual(Array(100).fill(2));
    expect(cache.computations).toBe(2);
  });

  it('drops an entry on an invalidation of its cycle or of everything, keeps it for another cycle', async () => {
    const cache = new ReadCache();
    let n = 0;
    const detail = () =>
      cache.get(
        'cycle:a',
        async () => ({ id: 'A', n: ++n }),
        (v) => ONE_CYCLE(v.id),
      );
    expect((await detail()).n).toBe(1);
    cache.invalidate('B');
    expect((await detail()).n).toBe(1);
    cache.invalidate('A');
    expect((await detail()).n).toBe(2);
    cache.invalidate('*');
    expect((await detail()).n).toBe(3);
  });

  it('drops the catalogue on any invalidation, and the themes only on "*"', async () => {
    const cache = new ReadCache();
    let cat = 0;
    let themes = 0;
    const catalogue = () =>
      cache.get(
        'cycles',
        async () => ++cat,
        () => EVERY_CYCLE,
      );
    const themeList = () =>
      cache.get(
        'themes',
        async () => ++themes,
        () => GLOBAL,
      );
    await catalogue();
    await themeList();
    cache.invalidate('B');
    expect(await catalogue()).toBe(2);
    expect(await themeList()).toBe(1);
    cache.clear();
    expect(await catalogue()).toBe(3);
    expect(await themeList()).toBe(2);
  });

  it('does not cache a failure, and a computation that throws at once still settles', async () => {
    const cache = new ReadCache();
    let n = 0;
    const failing = () => {
      n += 1;
      throw new Error('database down');
    };
    await expect(cache.get('k', failing as () => Promise<number>, () => EVERY_CYCLE)).rejects.toThrow('database down');
    await expect(cache.get('k', failing as () => Promise<number>, () => EVERY_CYCLE)).rejects.toThrow('database down');
    expect(n).toBe(2);
    expect(
      await cache.get(
        'k',
        async () => 7,
        () => EVERY_CYCLE,
      ),
    ).toBe(7);
  });

  it('keeps at most maxKeys keys (a query string can name any theme)', async () => {
    const cache = new ReadCache({ maxKeys: 10 });
    for (let i = 0; i < 100; i++)
      await cache.get(
        `k${i}`,
        async () => i,
        () => EVERY_CYCLE,
      );
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(
      await cache.get(
        'k99',
        async () => -1,
        () => EVERY_CYCLE,
      ),
    ).toBe(99);
  });
});
