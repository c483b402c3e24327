// Proof of acceptance that outlives the process: right after the SMTP server's 250 and before the send
// log says 'sent', the worker appends {key, Message-ID, response} to its own file under
// DATA_DIR/mail-accepted. If the process ends before the database recorded the message (SIGKILL, a crash,
// or a stop while the database is down), the next worker on this machine reads the file of the process
// that is gone and records those messages 'sent' before any job is released, instead of sending them
// again. Plain write(2), no fsync: it survives the process, not the machine (then the retry sends again,
// flagged possible_duplicate). Files of other machines (a shared DATA_DIR) are left alone.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Executor } from '../../lib/db.ts';
import { hostKey, processStarted } from '../../lib/process-identity.ts';
import * as sendLog from './mail.log.repository.ts';

interface Accepted {
  dedupeKey: string;
  messageId: string;
  response: string;
  at: string;
}

type Log = (level: 'warning' | 'info', message: string) => void;

export interface AcceptedJournal {
  /** After the 250: the proof, on disk before the database is asked. */
  record(a: { dedupeKey: string; messageId: string; response: string; at: Date }): void;
  /** The database recorded one of them: the file may be emptied once none is waiting. */
  settled(): void;
  /** Records 'sent' for what processes of this machine that are gone had accepted; returns how many. */
  recover(db: Executor): Promise<number>;
  /** A clean end with nothing waiting: our file goes. */
  close(): void;
}

/** Emptied when nothing waits and it has grown past this. */
const COMPACT_BYTES = 256 * 1024;

export function acceptedJournal(opts: { dir: string; runnerId: string; log: Log }): AcceptedJournal {
  const key = hostKey();
  // Without a process namespace to judge "gone" by (not Linux), or a writable directory, no journal.
  let enabled = key !== null;
  const host = key ? createHash('sha256').update(key).digest('hex').slice(0, 16) : '';
  // Per runner: several workers in one process (tests) keep their own files.
  const own = `${host}-${process.pid}-${processStarted(process.pid)}-${opts.runnerId}.jsonl`;
  const file = path.join(opts.dir, own);
  let waiting = 0;
  if (enabled) {
    try {
      fs.mkdirSync(opts.dir, { recursive: true });
    } catch (err) {
      enabled = false;
      opts.log('warning', `mail: no proof-of-acceptance journal in ${opts.dir}: ${(err as Error).message}`);
    }
  }

  /** Files of processes of this machine that are gone: `<host>-<pid>-<start>-<runner>.jsonl`, that pid gone or newer. */
  function goneFiles(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(opts.dir);
    } catch {
      return [];
    }
    return names.filter((name) => {
      const m = /^([0-9a-f]{16})-(\d+)-(\d+|null)-[\w-]+\.jsonl$/.exec(name);
      if (!m || m[1] !== host || name === own) return false;
      const started = processStarted(Number(m[2]));
      return started === null || started !== m[3];
    });
  }

  return {
    record(a) {
      if (!enabled) return;
      const line: Accepted = { dedupeKey: a.dedupeKey, messageId: a.messageId, response: a.response.slice(0, 1000), at: a.at.toISOString() };
      try {
        fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
        waiting += 1;
      } catch (err) {
        opts.log('warning', `mail: cannot write the proof of acceptance: ${(err as Error).message}`);
      }
    },
    settled() {
      if (!enabled || waiting === 0) return;
      waiting -= 1;
      if (waiting > 0) return;
      try {
        if (fs.statSync(file).size > COMPACT_BYTES) fs.truncateSync(file, 0);
      } catch {
        /* nothing to compact */
      }
    },
    async recover(db) {
      if (!enabled) return 0;
      let recorded = 0;
      for (const name of goneFiles()) {
        const full = path.join(opts.dir, name);
        const entries: Accepted[] = [];
        for (const line of fs.readFileSync(full, 'utf8').split('\n')) {
          try {
            if (line) entries.push(JSON.parse(line) as Accepted);
          } catch {
            /* a line cut by the end of the process: that message had not been written in full */
          }
        }
        if (entries.length) {
          recorded += await sendLog.markAcceptedSent(db, entries);
        }
        fs.rmSync(full, { force: true });
      }
      if (recorded) opts.log('warning', `mail: ${recorded} messages accepted by SMTP before a process ended recorded as sent`);
      return recorded;
    },
    close() {
      if (enabled && waiting === 0) fs.rmSync(file, { force: true });
    },
  };
}
