// The baseline of the registrations benchmark (issue 11): the minimal capacity-checked transaction,
// one person at a time, straight through pg: lock the cycle row, insert the registration (the trigger
// bumps the counter, and the CHECK refuses an oversold seat), commit. No HTTP, no validation, no mail,
// no participant upsert inside the lock (each person's participant row is written before BEGIN, as
// any implementation needs one). The app beats this only by paying the lock once per batch.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

const PARTICIPANT = `INSERT INTO participants (email) VALUES ($1) RETURNING id`;
const LOCK = `SELECT capacity, seats_taken FROM cycles WHERE id = $1 FOR UPDATE`;
const INSERT = `INSERT INTO registrations (cycle_id, participant_id, status, first_name, last_name, organisation, token_hash,
                                          calendar_token_hash, consent_version, consent_at, confirmed_at)
                VALUES ($1, $2, $3, 'Giulia', 'Rossi', 'Comune di Bergamo', $4, $5, '2026-11-01', now(),
                        CASE WHEN $3 = 'confirmed' THEN now() END)`;

/** One sign-up, the minimal way. Resolves when committed. */
export async function rawRegister(pool: pg.Pool, cycleId: string, email: string): Promise<void> {
  const client = await pool.connect();
  try {
    const participantId = (await client.query<{ id: string }>(PARTICIPANT, [email])).rows[0]!.id;
    await client.query('BEGIN');
    const c = (await client.query<{ capacity: number; seats_taken: number }>(LOCK, [cycleId])).rows[0]!;
    await client.query(INSERT, [cycleId, participantId, c.capacity > c.seats_taken ? 'confirmed' : 'waitlisted', randomBytes(32), randomBytes(32)]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
