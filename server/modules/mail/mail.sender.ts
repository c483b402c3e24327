// The mail task with what it needs for the life of one job runner (server/jobs/jobs.runner.ts): the SMTP
// or outbox transport, the composer, the mailbox cap and the journal of accepted messages. The runner
// hands it its pool, its id and the signal it aborts when its stop budget runs out; jobs.tasks.ts puts
// the task in the runner's list.
import path from 'node:path';
import type { Task } from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Config } from '../../config.ts';
import { tokenKit } from '../../lib/tokens.ts';
import { acceptedJournal } from './mail.accepted.ts';
import { mailboxCap } from './mail.cap.ts';
import { mailComposer } from './mail.compose.ts';
import { mailTask } from './mail.task.ts';
import { createMailTransport, type MailTransport } from './mail.transport.ts';

export interface MailSender {
  task: Task;
  transport: MailTransport;
  /**
   * Records 'sent' for what processes of this machine that are gone had accepted: the runner calls it
   * before its liveness releases their jobs, so those messages are not sent again.
   */
  recover(): Promise<unknown>;
  /** After the runner stopped: closes the transport (unless the caller gave it) and the journal. */
  close(): Promise<void>;
}

export function mailSender(opts: {
  /** The runner's own pool: a burst of mail never starves HTTP requests of connections. */
  db: Kysely<Database>;
  config: Pick<Config, 'publicUrl' | 'timezone' | 'mailFrom' | 'programmeContact' | 'smtpUrl' | 'dataDir' | 'mailSmtpConnections'>;
  secretKey: string;
  /** The runner's id in queue_runners: the journal's file names it. */
  runnerId: string;
  /** Aborted by the runner's stop near the end of its budget: in-flight deliveries are given up. */
  signal: AbortSignal;
  /** A transport of the caller's (tests, the benchmark); it stays open when the runner stops. */
  transport?: MailTransport;
  clock?: () => Date;
  log?: (level: 'warning' | 'info', message: string) => void;
}): MailSender {
  const { db, config } = opts;
  const secret = Buffer.from(opts.secretKey, 'utf8');
  const transport =
    opts.transport ??
    createMailTransport({
      smtpUrl: config.smtpUrl,
      outboxDir: path.join(config.dataDir, 'mail'),
      maxConnections: config.mailSmtpConnections,
    });
  const accepted = acceptedJournal({
    dir: path.join(config.dataDir, 'mail-accepted'),
    runnerId: opts.runnerId,
    log: (level, message) => opts.log?.(level, message),
  });
  const composer = mailComposer({
    db,
    publicUrl: config.publicUrl,
    timezone: config.timezone,
    mailFrom: config.mailFrom,
    programmeContact: config.programmeContact,
    tokens: tokenKit(secret),
  });
  return {
    task: mailTask({
      db,
      composer,
      transport,
      cap: mailboxCap({ db, secret, clock: opts.clock }),
      publicUrl: config.publicUrl,
      mailFrom: config.mailFrom,
      clock: opts.clock,
      signal: opts.signal,
      accepted,
    }),
    transport,
    recover: () => accepted.recover(db),
    async close() {
      if (!opts.transport) await transport.close();
      // Kept if a message accepted by SMTP is still unrecorded: the next start on this machine records it.
      accepted.close();
    },
  };
}
