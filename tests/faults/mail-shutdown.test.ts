// SIGTERM to the real server while its SMTP server hangs on the messages in flight (it never answers
// DATA): the server must exit by itself within its shutdown budget, and the jobs it could not finish
// must run at the next start (against a healthy SMTP server), not 4 hours later when graphile-worker's
// lock expires. Each person gets exactly one email from the healthy server; the hanging one accepts none.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailService } from '../../server/modules/mail/mail.service.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createCycle } from '../helpers/factories.ts';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { startSmtpSink, waitUntil, type SmtpSink } from '../helpers/smtp.ts';
import { insertRegistrations, logRows, queuedMailJobs } from '../integration/mail.support.ts';

const N = 10;
const CONCURRENCY = 4;

describe('SIGTERM while the SMTP server hangs', () => {
  let database: TestDatabase;
  let hanging: SmtpSink;
  let healthy: SmtpSink;
  let dataDir: string;
  const servers: ServerProcess[] = [];
  // The hanging server's pending replies: answered (with a refusal) only when the test ends.
  const held: (() => void)[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    hanging = await startSmtpSink({ parse: false, beforeReply: () => new Promise<void>((resolve) => held.push(resolve)), respond: () => ({ code: 421 }) });
    healthy = await startSmtpSink({ parse: false });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officina-mail-shutdown-'));
  });
  afterAll(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    for (const release of held) release();
    await hanging?.close();
    await healthy?.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(smtpUrl: string) {
    const config = testConfig();
    const port = await freePort();
    const server = await startServer({
      DATABASE_URL: database.url,
      SMTP_URL: smtpUrl,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SECRET_KEY: config.secretKey!,
      DATA_DIR: dataDir,
      DEMO_DATA: '0',
      SERVE_WEB: '0',
      LOG_LEVEL: 'warn',
      MAIL_CONCURRENCY: String(CONCURRENCY),
    });
    servers.push(server);
    return server;
  }

  it('exits within its budget and the next start sends each person exactly one email', async () => {
    const { cycle } = await createCycle(database.db, { capacity: N + 5 });
    const people = await insertRegistrations(database.db, cycle.id, N);
    const { messageId } = await mailService({ db: database.db }).sendToCycle(cycle.id, { subject: 'Bloccato', body: 'Testo.' });

    const first = await start(hanging.url);
    await waitUntil(() => held.length >= CONCURRENCY, `${CONCURRENCY} messages hanging at DATA (output: ${first.output()})`, 30_000);
    // Bounded by the test, not asserted as a time: the server must end on its own (no SIGKILL from us).
    const exit = await first.stop('SIGTERM', 40_000);
    expect(exit, first.output()).toEqual({ code: 0, signal: null });

    await start(healthy.url);
    const drained = async () => (await queuedMailJobs(database.db, `mail:organiser-message:${messageId}`)).length === 0;
    await waitUntil(
      async () => new Set(healthy.messages.flatMap((m) => m.to)).size >= N && (await drained()),
      `all ${N} delivered after the restart (${healthy.accepted} so far)`,
      30_000,
    );

    const rows = (await logRows(database.db, { template: 'organiser-message' })).filter((r) => r.job_key?.includes(messageId));
    console.log(
      `shutdown with SMTP hanging: exit ${JSON.stringify(exit)}; ${hanging.accepted} accepted by the hanging server, ` +
        `${healthy.accepted} by the healthy one for ${N} people; ${rows.filter((r) => r.possible_duplicate).length} flagged possible_duplicate`,
    );
    expect(hanging.accepted).toBe(0);
    for (const p of people) expect(healthy.to(p.email), p.email).toHaveLength(1);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(N);
  }, 120_000);
});
