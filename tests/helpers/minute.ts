// graphile-worker schedules its cron as each minute turns; if PostgreSQL cannot be reached at that
// moment, a promise inside graphile-worker 0.16.6 (runner.js: `cron.promise.finally(...)`) rejects with
// nobody listening. server.ts and worker.ts log such a rejection (surviveDatabaseRejections); a test
// that runs the worker inside vitest's own process would see it as an unhandled error instead. Such a
// test starts its outage away from the minute's turn (tests/faults/mail-cron-outage.test.ts covers the
// turn itself, through a real server process).

/** Resolves once the wall clock is at least `marginS` seconds away from the turn of a minute, on both sides. */
export async function awayFromMinuteTurn(marginS = 15): Promise<void> {
  const near = () => {
    const s = new Date().getUTCSeconds();
    return s < marginS / 3 || s > 59 - marginS;
  };
  while (near()) await new Promise((r) => setTimeout(r, 250));
}
