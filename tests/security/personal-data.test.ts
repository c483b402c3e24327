// Finding 1 of the security issue: anyone can sign up to an open cycle with someone else's address and
// gets a manage token for that sign-up. That token must reach its own registration and nothing else:
// not the victim's registrations in other cycles (names, organisation, role, network, mail log), and
// its erasure must not touch them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createCycle } from '../helpers/factories.ts';
import { signUp, type Person } from '../integration/materials.support.ts';

let t: TestApp;
let victim: Person;
let attacker: Person;
let cycleA: { id: string; slug: string };
const victimRole = `Assistente sociale ${Math.random().toString(36).slice(2, 8)}`;
const victimNetwork = 'Ambito di Crema';

beforeAll(async () => {
  t = await buildTestApp();
  const a = await createCycle(t.database.db, { capacity: 10, title: 'Welfare di comunità' });
  const b = await createCycle(t.database.db, { capacity: 10, title: 'Comunicazione generativa' });
  cycleA = { id: a.cycle.id, slug: a.cycle.slug };
  victim = await signUp(t.app, a.cycle.slug, { role: victimRole, network: victimNetwork, organisation: 'Comune di Crema' });
  // The mail log holds a message about the victim's registration.
  await t.database.db
    .insertInto('mail_messages')
    .values({
      dedupe_key: `test:confirmed:${victim.id}`,
      template: 'registration-confirmed',
      registration_id: victim.id,
      cycle_id: a.cycle.id,
      recipient: victim.email,
      subject: 'Iscrizione confermata: Welfare di comunità',
      locale: 'it',
      status: 'sent',
      sent_at: new Date(),
    })
    .execute();
  // The attacker signs up to another open cycle with the victim's address, under names of their own.
  attacker = await signUp(t.app, b.cycle.slug, { email: victim.email, firstName: 'Intruso', lastName: 'Curioso', organisation: 'Altro ente' });
});
afterAll(async () => t?.close());

describe("a sign-up made with someone else's address", () => {
  it("does not export the victim's registration in another cycle", async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/registrations/${attacker.token}/personal-data` });
    expect(res.statusCode).toBe(200);
    const text = res.body;
    for (const secret of [victim.id, victim.firstName, victim.lastName, victimRole, victimNetwork, 'Comune di Crema', cycleA.slug, 'Welfare di comunità']) {
      expect(text, secret).not.toContain(secret);
    }
    // What it does return is its own registration only.
    expect(res.json().registration.id).toBe(attacker.id);
  });

  it("does not erase nor cancel the victim's registration in another cycle", async () => {
    const res = await t.app.inject({ method: 'DELETE', url: `/api/registrations/${attacker.token}/personal-data` });
    expect(res.statusCode).toBe(200);
    const row = await t.database.db
      .selectFrom('registrations')
      .select(['status', 'first_name', 'role', 'anonymised_at', 'cancelled_at'])
      .where('id', '=', victim.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'confirmed', first_name: victim.firstName, role: victimRole, anonymised_at: null, cancelled_at: null });
    // The victim's manage link still works and still shows her data.
    const own = await t.app.inject({ method: 'GET', url: `/api/registrations/${victim.token}` });
    expect(own.statusCode).toBe(200);
    expect(own.json().registration).toMatchObject({ status: 'confirmed', firstName: victim.firstName, email: victim.email });
    // The attacker's token is dead.
    expect((await t.app.inject({ method: 'GET', url: `/api/registrations/${attacker.token}/personal-data` })).statusCode).toBe(404);
  });
});
