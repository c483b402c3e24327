// Whether sign-ups are being decided right now, so the in-process mail worker can step aside.
//
// Why: with two cores, the confirmation mails of a crowd (compose, claim, SMTP, record: several queries
// and a render each, more work than the sign-up itself) were sent WHILE the crowd still waited for its
// answers, and took most of the machine from it: 5,000 sign-ups answered in 18 s instead of 7. A mail a
// few seconds later is the same to the person; an answer a few seconds later is a spinning page. So the
// mail worker of this process waits before taking its next job while the sign-up pipeline has anyone
// queued or a batch in flight, and until it has been quiet for `quietMs` (a closed loop empties the
// queue for an instant between batches; without the pause every slot would take a job there).
//
// Bounded: a stretch of sign-ups longer than `maxYieldMs` no longer holds mail back (the mails of a
// crowd that never ends still go out, alongside it); the stretch ends once sign-ups have been quiet for
// `quietMs`. Nothing is lost either way: jobs stay in the queue, untouched, until a worker takes them.
// Only this process' pipeline counts: a worker in another process (npm run worker) never waits.

export interface SignupActivityOptions {
  /** How long sign-ups must have been quiet before mail goes on. */
  quietMs?: number;
  /** The longest a stretch of sign-ups holds mail back. */
  maxYieldMs?: number;
  now?: () => number;
}

const QUIET_MS = 250;
const MAX_YIELD_MS = 30_000;

/** One promise per signal, however many workers wait on it (a listener each would pile up). */
const aborts = new WeakMap<AbortSignal, Promise<void>>();
function abortOf(signal: AbortSignal): Promise<void> {
  let p = aborts.get(signal);
  if (!p) {
    p = signal.aborted ? Promise.resolve() : new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    aborts.set(signal, p);
  }
  return p;
}

export function signupActivity(opts: SignupActivityOptions = {}) {
  const quietMs = opts.quietMs ?? QUIET_MS;
  const maxYieldMs = opts.maxYieldMs ?? MAX_YIELD_MS;
  const now = opts.now ?? (() => performance.now());
  let busy = false;
  /** When the current stretch of sign-ups began (a pause shorter than quietMs does not end it). */
  let stretchStart = -Infinity;
  let lastBusy = -Infinity;

  const quiet = (t: number) => !busy && t - lastBusy >= quietMs;
  const mayRun = (t: number) => quiet(t) || t - stretchStart >= maxYieldMs;

  return {
    /** The pipeline has someone queued or a batch in flight. */
    busy() {
      const t = now();
      if (!busy && quiet(t)) stretchStart = t;
      busy = true;
    },
    /** The pipeline has no one queued and no batch in flight. */
    idle() {
      if (!busy) return;
      busy = false;
      lastBusy = now();
    },
    /** Sign-ups are quiet, or have held mail back for maxYieldMs: mail may take its next job. */
    mayRun: (): boolean => mayRun(now()),
    /**
     * Resolves when mail may take its next job, or at once when `signal` is aborted (the worker is
     * stopping: graphile-worker then stops as it always does, finishing what it has taken).
     */
    async whenMailMayRun(signal?: AbortSignal): Promise<void> {
      const stopping = signal ? abortOf(signal) : null;
      while (!mayRun(now()) && !signal?.aborted) {
        const t = now();
        // Checked again at the earliest moment the answer could change (a short tick while busy).
        const wait = Math.min(busy ? quietMs : lastBusy + quietMs - t, stretchStart + maxYieldMs - t);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(10, Math.ceil(wait))).unref())), stopping]);
        clearTimeout(timer);
      }
    },
  };
}

export type SignupActivity = ReturnType<typeof signupActivity>;
