// The SMTP sink of the mail benchmark, in a child process of its own (a remote MTA does not share the
// worker's event loop): accepts everything, counts messages and distinct Message-IDs, answers over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { headerMessageId } from '../helpers/smtp.ts';

export interface SinkStats {
  accepted: number;
  unique: number;
  duplicates: number;
}

function runSinkChild() {
  const seen = new Map<string, number>();
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 500,
    closeTimeout: 500,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const id = headerMessageId(Buffer.concat(chunks));
        seen.set(id, (seen.get(id) ?? 0) + 1);
        accepted += 1;
        callback(null, `Queued as ${accepted}`);
      });
    },
  });
  server.listen(0, '127.0.0.1', () => {
    const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
    process.send!({ type: 'ready', port });
  });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') {
      let duplicates = 0;
      for (const n of seen.values()) if (n > 1) duplicates += n - 1;
      process.send!({ type: 'stats', stats: { accepted, unique: seen.size, duplicates } satisfies SinkStats });
    } else if (m.type === 'reset') {
      seen.clear();
      accepted = 0;
      process.send!({ type: 'reset' });
    } else if (m.type === 'stop') {
      server.close(() => process.exit(0));
    }
  });
}

export async function startSinkProcess(): Promise<{ port: number; stats(): Promise<SinkStats>; reset(): Promise<void>; stop(): Promise<void> }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, OFFICINA_BENCH_MAIL_SINK: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const on = (m: { type: string; stats?: SinkStats }) => {
        if (m.type !== type) return;
        child.off('message', on);
        resolve((m.stats ?? undefined) as T);
      };
      child.on('message', on);
      child.send({ type });
    });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: { type: string; port?: number }) => m.type === 'ready' && resolve(m.port!));
  });
  return {
    port,
    stats: () => ask<SinkStats>('stats'),
    reset: () => ask<void>('reset'),
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.send({ type: 'stop' }))),
  };
}

if (process.env.OFFICINA_BENCH_MAIL_SINK === '1') runSinkChild();
