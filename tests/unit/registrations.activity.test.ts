// The in-process mail worker steps aside while sign-ups are decided: it may take a job only once the
// pipeline has been quiet for a moment, or once a stretch of sign-ups has held mail back for its bound;
// a stopping worker is never kept waiting. Decided on a fake clock: nothing here depends on timing.
import { describe, expect, it } from 'vitest';
import { signupActivity } from '../../server/modules/registrations/registrations.activity.ts';

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('signup activity', () => {
  it('lets mail run when no sign-up was ever seen', () => {
    expect(signupActivity({ now: clock().now }).mayRun()).toBe(true);
  });

  it('holds mail back while sign-ups are decided and until they have been quiet for quietMs', () => {
    const c = clock();
    const a = signupActivity({ quietMs: 250, maxYieldMs: 30_000, now: c.now });
    a.busy();
    expect(a.mayRun()).toBe(false);
    c.advance(5_000);
    expect(a.mayRun()).toBe(false);
    a.idle();
    c.advance(249);
    expect(a.mayRun()).toBe(false);
    c.advance(1);
    expect(a.mayRun()).toBe(true);
  });

  it('treats a pause shorter than quietMs as the same stretch, bounded by maxYieldMs', () => {
    const c = clock();
    const a = signupActivity({ quietMs: 250, maxYieldMs: 30_000, now: c.now });
    // A closed loop: the queue empties for an instant between batches, many times.
    for (let i = 0; i < 299; i++) {
      a.busy();
      c.advance(100);
      a.idle();
      expect(a.mayRun()).toBe(false);
    }
    a.busy();
    c.advance(100);
    // 30 s of sign-ups in one stretch: mail goes on alongside them from now on.
    expect(a.mayRun()).toBe(true);
    // Once quiet, the next stretch starts a new bound.
    a.idle();
    c.advance(250);
    a.busy();
    expect(a.mayRun()).toBe(false);
  });

  it('resolves the wait when sign-ups go quiet, and at once for a stopping worker', async () => {
    const a = signupActivity({ quietMs: 20, maxYieldMs: 60_000 });
    a.busy();
    const stop = new AbortController();
    const waiting = a.whenMailMayRun(stop.signal);
    let done = false;
    void waiting.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    stop.abort();
    await waiting;

    const quiet = a.whenMailMayRun();
    a.idle();
    await quiet;
    expect(a.mayRun()).toBe(true);
  });
});
