// Whether this process can do its work: today, whether its database answers (GET /api/health).
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import * as repo from './health.repository.ts';

/** Past this wait the database counts as unavailable: a probe must get an answer, not hang with it. */
const PING_TIMEOUT_MS = 2_000;

export function healthService(deps: { db: Kysely<Database> }) {
  return {
    /** Resolves when the database answers in time; rejects with why it did not. */
    async pingDatabase(): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('database timeout')), PING_TIMEOUT_MS).unref();
      });
      try {
        await Promise.race([repo.ping(deps.db), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
