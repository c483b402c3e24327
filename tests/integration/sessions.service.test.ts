// sessionsService: the rule for changing a meeting (one transaction, cycle locked, SEQUENCE bumped,
// notifier told inside the same transaction) and for adding one. Real database; the notifier is a
// recorder standing in for the mail queue, which is not under test here.
import type { Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.ts';
import { silentNotifier, type Notifier, type SessionChange } from '../../server/modules/notifications/notifications.service.ts';
import { sessionsService } from '../../server/modules/sessions/sessions.service.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle } from '../helpers/factories.ts';

const HOUR = 3_600_000;

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

function recorder(fail = false) {
  const calls: { sessionId: string; change: SessionChange; inTransaction: boolean; sequenceSeen: number }[] = [];
  const notifier: Notifier = {
    ...silentNotifier,
    async sessionChanged(trx: Transaction<Database>, sessionId, change) {
      // What a job enqueued here would see: the new row, inside the uncommitted transaction.
      const row = await trx.selectFrom('sessions').select('sequence').where('id', '=', sessionId).executeTakeFirstOrThrow();
      calls.push({ sessionId, change, inTransaction: trx.isTransaction, sequenceSeen: row.sequence });
      if (fail) throw new Error('queue unavailable');
    },
  };
  return { notifier, calls };
}

const fixedNow = new Date('2026-11-20T10:00:00.000Z');

function service(notifier?: Notifier) {
  return sessionsService({ db: t.database.db, notifier, clock: () => fixedNow });
}

async function row(id: string) {
  return t.database.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function expectError(p: Promise<unknown>, statusCode: number, code: string) {
  await expect(p).rejects.toMatchObject({ statusCode, code });
}

describe('changeSession', () => {
  it('moves a session: new times, SEQUENCE +1, updated_at = now, "moved" told inside the transaction', async () => {
    const { sessions } = await createCycle(t.database.db);
    const s = sessions[0]!;
    const { notifier, calls } = recorder();
    const startsAt = new Date('2031-03-10T08:00:00Z');
    const res = await service(notifier).changeSession(s.id, { startsAt, endsAt: new Date(startsAt.getTime() + 3 * HOUR) });
    expect(res.change).toBe('moved');
    expect(res.sequence).toBe(1);
    expect(res.session.startsAt).toBe(startsAt.toISOString());
    const after = await row(s.id);
    expect(after.sequence).toBe(1);
    expect(after.starts_at.toISOString()).toBe(startsAt.toISOString());
    expect(after.updated_at.toISOString()).toBe(fixedNow.toISOString());
    expect(after.created_at.toISOString()).toBe(s.created_at.toISOString());
    expect(calls).toEqual([{ sessionId: s.id, change: 'moved', inTransaction: true, sequenceSeen: 1 }]);
  });

  it('calls a change of place a move, and a title-only change an update; each bumps SEQUENCE', async () => {
    const { sessions } = await createCycle(t.database.db);
    const s = sessions[1]!;
    const { notifier, calls } = recorder();
    const svc = service(notifier);
    expect((await svc.changeSession(s.id, { location: 'Brescia, Via Musei 32' })).change).toBe('moved');
    expect((await svc.changeSession(s.id, { onlineUrl: 'https://meet.example.org/lab' })).change).toBe('moved');
    expect((await svc.changeSession(s.id, { onlineUrl: '' })).change).toBe('moved');
    const titled = await svc.changeSession(s.id, { title: 'Incontro 2: valutazione' });
    expect(titled.change).toBe('updated');
    expect(titled.sequence).toBe(4);
    expect(calls.map((c) => c.change)).toEqual(['moved', 'moved', 'moved', 'updated']);
    const after = await row(s.id);
    expect([after.location, after.online_url, after.title, after.sequence]).toEqual(['Brescia, Via Musei 32', null, 'Incontro 2: valutazione', 4]);
  });

  it('changes nothing, bumps nothing and tells no one for a patch equal to the current values', async () => {
    const { sessions } = await createCycle(t.database.db);
    const s = sessions[0]!;
    const { notifier, calls } = recorder();
    const res = await service(notifier).changeSession(s.id, {
      title: s.title,
      startsAt: s.starts_at,
      endsAt: s.ends_at,
      location: s.location,
      status: 'scheduled',
    });
    expect(res.change).toBeNull();
    expect(res.sequence).toBe(0);
    expect(calls).toEqual([]);
    expect((await row(s.id)).updated_at.toISOString()).toBe(s.updated_at.toISOString());
  });

  it('cancels, refuses edits while cancelled, and reinstates as a move', async () => {
    const { sessions } = await createCycle(t.database.db);
    const s = sessions[2]!;
    const { notifier, calls } = recorder();
    const svc = service(notifier);
    const cancelled = await svc.changeSession(s.id, { status: 'cancelled' });
    expect(cancelled.change).toBe('cancelled');
    expect(cancelled.session.status).toBe('cancelled');
    await expectError(svc.changeSession(s.id, { location: 'Altrove' }), 409, 'session_cancelled');
    expect((await svc.changeSession(s.id, { status: 'cancelled' })).change).toBeNull();
    const back = await svc.changeSession(s.id, { status: 'scheduled', startsAt: new Date('2031-05-05T07:00:00Z'), endsAt: new Date('2031-05-05T09:00:00Z') });
    expect(back.change).toBe('moved');
    expect(back.sequence).toBe(2);
    expect(calls.map((c) => c.change)).toEqual(['cancelled', 'moved']);
  });

  it('reports "cancelled" when a session is cancelled and moved at once', async () => {
    const { sessions } = await createCycle(t.database.db);
    const res = await service().changeSession(sessions[0]!.id, { status: 'cancelled', location: 'Online' });
    expect(res.change).toBe('cancelled');
    expect(res.sequence).toBe(1);
  });

  it('refuses bad patches with 400 validation_error naming the field, and writes nothing', async () => {
    const { sessions } = await createCycle(t.database.db);
    const s = sessions[0]!;
    const svc = service();
    const before = new Date(s.starts_at.getTime() - HOUR);
    await expect(svc.changeSession(s.id, { endsAt: before })).rejects.toMatchObject({
      statusCode: 400,
      code: 'validation_error',
      details: { fields: [{ field: 'endsAt', message: 'must be after startsAt' }] },
    });
    await expectError(svc.changeSession(s.id, { startsAt: new Date(s.ends_at.getTime() + HOUR) }), 400, 'validation_error');
    await expectError(svc.changeSession(s.id, { startsAt: s.starts_at, endsAt: s.starts_at }), 400, 'validation_error');
    await expectError(svc.changeSession(s.id, { title: '   ' }), 400, 'validation_error');
    await expectError(svc.changeSession(s.id, { title: 'a\u0000b' }), 400, 'validation_error');
    await expectError(svc.changeSession(s.id, { onlineUrl: 'javascript:alert(1)' }), 400, 'validation_error');
    await expectError(svc.changeSession(s.id, { startsAt: new Date('nope') }), 400, 'validation_error');
    await expectError(svc.changeSession(s.id, { status: 'postponed' as never }), 400, 'validation_error');
    await expectError(svc.changeSession(s.id, { sequence: 9 } as never), 400, 'validation_error');
    const after = await row(s.id);
    expect(after.sequence).toBe(0);
    expect(after.updated_at.toISOString()).toBe(s.updated_at.toISOString());
  });

  it('answers 404 for an unknown or malformed session id', async () => {
    await expectError(service().changeSession('5d7c3a1e-0000-4000-8000-000000000000', { title: 'x' }), 404, 'not_found');
    await expectError(service().changeSession('not-a-uuid', { title: 'x' }), 404, 'not_found');
  });

  it('rolls the change back when the notification cannot be enqueued', async () => {
    const { sessions } = await createCycle(t.database.db);
    const s = sessions[0]!;
    const { notifier, calls } = recorder(true);
    await expect(service(notifier).changeSession(s.id, { location: 'Como' })).rejects.toThrow('queue unavailable');
    expect(calls).toHaveLength(1);
    const after = await row(s.id);
    expect([after.location, after.sequence]).toEqual([s.location, 0]);
  });

  it('serialises concurrent changes: five at once give SEQUENCE 5', async () => {
    const { sessions } = await createCycle(t.database.db);
    const s = sessions[0]!;
    const svc = service();
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => svc.changeSession(s.id, { title: `Incontro rivisto ${i}` })));
    expect(results.map((r) => r.sequence).sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await row(s.id)).sequence).toBe(5);
  });

  it('drops milliseconds, which no calendar can show', async () => {
    const { sessions } = await createCycle(t.database.db);
    const res = await service().changeSession(sessions[0]!.id, {
      startsAt: new Date('2031-06-01T07:00:00.789Z'),
      endsAt: new Date('2031-06-01T09:00:00.001Z'),
    });
    expect([res.session.startsAt, res.session.endsAt]).toEqual(['2031-06-01T07:00:00.000Z', '2031-06-01T09:00:00.000Z']);
  });
});

describe('addSession', () => {
  it('adds a scheduled session with SEQUENCE 0, the cycle’s place by default, shown by the API', async () => {
    const { cycle } = await createCycle(t.database.db);
    const startsAt = new Date('2031-04-02T07:30:00Z');
    const res = await service().addSession(cycle.id, { title: 'Incontro extra', startsAt, endsAt: new Date(startsAt.getTime() + 2 * HOUR) });
    expect(res.sequence).toBe(0);
    expect(res.session).toMatchObject({ title: 'Incontro extra', status: 'scheduled', location: cycle.location, onlineUrl: null });
    const stored = await row(res.session.id);
    expect([stored.created_at.toISOString(), stored.updated_at.toISOString()]).toEqual([fixedNow.toISOString(), fixedNow.toISOString()]);
    const api = (await t.app.inject({ url: `/api/cycles/${cycle.slug}` })).json();
    expect(api.sessions.map((s: { id: string }) => s.id)).toContain(res.session.id);

    const online = await service().addSession(cycle.id, {
      title: 'Online',
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
      location: null,
      onlineUrl: 'https://meet.example.org/x',
    });
    expect(online.session).toMatchObject({ location: null, onlineUrl: 'https://meet.example.org/x' });
  });

  it('refuses a bad session or an unknown cycle', async () => {
    const { cycle } = await createCycle(t.database.db);
    const at = new Date('2031-04-02T07:30:00Z');
    await expectError(service().addSession(cycle.id, { title: 'x', startsAt: at, endsAt: at }), 400, 'validation_error');
    await expectError(service().addSession(cycle.id, { title: '', startsAt: at, endsAt: new Date(at.getTime() + HOUR) }), 400, 'validation_error');
    await expectError(
      service().addSession('5d7c3a1e-0000-4000-8000-000000000000', { title: 'x', startsAt: at, endsAt: new Date(at.getTime() + HOUR) }),
      404,
      'not_found',
    );
    await expectError(service().addSession('nope', { title: 'x', startsAt: at, endsAt: new Date(at.getTime() + HOUR) }), 404, 'not_found');
  });

  it('is wired into the app as app.services.sessions', async () => {
    const { cycle, sessions } = await createCycle(t.database.db);
    const res = await t.app.services.sessions.changeSession(sessions[0]!.id, { title: 'Dal servizio dell’app' });
    expect(res.sequence).toBe(1);
    const api = (await t.app.inject({ url: `/api/cycles/${cycle.slug}` })).json();
    expect(api.sessions.find((s: { id: string }) => s.id === sessions[0]!.id).title).toBe('Dal servizio dell’app');
  });
});
