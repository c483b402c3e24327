// The rule for changing a meeting, for the organiser API to call. One transaction: lock the cycle row
// (the same first lock every seat change takes), read the session FOR NO KEY UPDATE, validate, write, bump
// SEQUENCE, and enqueue the notifications in that same transaction (docs/architecture.md rules 4 and 5).
//
// SEQUENCE: bumped by one on every change a calendar shows: time, place, status, and also the title.
// RFC 5545 leaves "significant" to the organiser; calendar clients (Outlook, Apple) ignore an update
// whose SEQUENCE is not higher than the one they hold, so a title fix left unbumped would never reach
// the invitations already in people's calendars. A patch that changes nothing bumps nothing.
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database, SessionRow } from '../../../db/schema.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { msg } from '../../lib/i18n.ts';
import * as cyclesRepo from '../cycles/cycles.repository.ts';
import { toSessionView } from '../cycles/cycles.service.ts';
import type { SessionView } from '../cycles/cycles.schemas.ts';
import { silentNotifier, type Notifier, type SessionChange } from '../notifications/notifications.service.ts';
import * as repo from './sessions.repository.ts';
import { NewSessionInput, SessionPatchInput, type NewSessionData, type SessionPatch } from './sessions.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sessionNotFound = () => notFound(msg('error_session_not_found'));
const cycleNotFound = () => notFound(msg('error_cycle_id_not_found'));

function invalid(fields: { field: string; message: string }[]) {
  const list = fields.map((f) => `${f.field} (${f.message})`).join('; ');
  return new AppError(400, 'validation_error', msg('error_invalid_data', { list }), { fields });
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw invalid(r.error.issues.map((i) => ({ field: i.path.join('.') || 'input', message: i.message })));
}

function checkOrder(startsAt: Date, endsAt: Date) {
  if (endsAt.getTime() <= startsAt.getTime()) {
    throw invalid([{ field: 'endsAt', message: 'must be after startsAt' }]);
  }
}

export interface SessionResult {
  session: SessionView;
  sequence: number;
  /** What the notifier was told; null when the patch changed nothing. */
  change: SessionChange | null;
}

export interface SessionsDeps {
  db: Kysely<Database>;
  notifier?: Notifier;
  clock?: () => Date;
}

/** Equal to the second: inputs are cut to whole seconds, rows written by older code may hold milliseconds. */
const sameTime = (a: Date | string, b: Date) => Math.floor(new Date(a).getTime() / 1000) === Math.floor(b.getTime() / 1000);

export function sessionsService(deps: SessionsDeps) {
  const { db } = deps;
  const notifier = deps.notifier ?? silentNotifier;
  const clock = deps.clock ?? (() => new Date());

  const result = (row: SessionRow, change: SessionChange | null): SessionResult => ({
    // Organisers' answers only (the console): they set the link, they see it.
    session: toSessionView(row, 'shown'),
    sequence: row.sequence,
    change,
  });

  async function lockCycle(trx: Transaction<Database>, cycleId: string) {
    const cycle = await cyclesRepo.lockById(trx, cycleId);
    if (!cycle) throw cycleNotFound();
    return cycle;
  }

  return {
    /**
     * Changes a session. Notifies 'cancelled' when it is cancelled, 'moved' when its time or place changes
     * or when a cancelled session is reinstated (people must learn when and where it now is, reminders
     * must be scheduled again), 'updated' for a title-only change.
     */
    async changeSession(sessionId: string, patch: SessionPatch): Promise<SessionResult> {
      const p = parse(SessionPatchInput, patch);
      if (!UUID.test(sessionId)) throw sessionNotFound();
      const cycleId = await repo.cycleIdOf(db, sessionId);
      if (!cycleId) throw sessionNotFound();
      return inTransaction(db, async (trx) => {
        await lockCycle(trx, cycleId);
        const current = await repo.findForUpdate(trx, sessionId);
        if (!current) throw sessionNotFound();

        const next = {
          title: p.title ?? current.title,
          starts_at: p.startsAt ?? new Date(current.starts_at),
          ends_at: p.endsAt ?? new Date(current.ends_at),
          location: p.location !== undefined ? p.location : current.location,
          online_url: p.onlineUrl !== undefined ? p.onlineUrl : current.online_url,
          status: p.status ?? current.status,
        };
        checkOrder(next.starts_at, next.ends_at);

        const timeChanged = !sameTime(current.starts_at, next.starts_at) || !sameTime(current.ends_at, next.ends_at);
        const placeChanged = next.location !== current.location || next.online_url !== current.online_url;
        const statusChanged = next.status !== current.status;
        const titleChanged = next.title !== current.title;
        if (!timeChanged && !placeChanged && !statusChanged && !titleChanged) return result(current, null);

        // A cancelled meeting is changed only by bringing it back; editing it while it stays cancelled
        // would send "changed" notices about a meeting that is not happening.
        if (current.status === 'cancelled' && next.status === 'cancelled') {
          throw new AppError(409, 'session_cancelled', msg('error_cancelled_session_locked'));
        }

        const change: SessionChange = next.status === 'cancelled' ? 'cancelled' : timeChanged || placeChanged || statusChanged ? 'moved' : 'updated';
        const row = await repo.updateWithSequence(trx, sessionId, next, clock());
        await notifier.sessionChanged(trx, sessionId, change);
        return result(row, change);
      });
    },

    /** Adds a meeting to a cycle (SEQUENCE 0). Without a location it takes the cycle's. */
    async addSession(cycleId: string, input: NewSessionData): Promise<SessionResult> {
      const p = parse(NewSessionInput, input);
      if (!UUID.test(cycleId)) throw cycleNotFound();
      checkOrder(p.startsAt, p.endsAt);
      return inTransaction(db, async (trx) => {
        const cycle = await lockCycle(trx, cycleId);
        const now = clock();
        const row = await repo.insert(trx, {
          cycle_id: cycle.id,
          title: p.title,
          starts_at: p.startsAt,
          ends_at: p.endsAt,
          location: p.location !== undefined ? p.location : cycle.location,
          online_url: p.onlineUrl ?? null,
          status: 'scheduled',
          sequence: 0,
          created_at: now,
          updated_at: now,
        });
        // People already registered get reminders for the new meeting too ('updated' sends no mail;
        // subscribed calendars show the meeting on their next refresh).
        await notifier.sessionChanged(trx, row.id, 'updated');
        return result(row, null);
      });
    },
  };
}

export type SessionsService = ReturnType<typeof sessionsService>;
