// Account management (administrators only, checked by the route's access rule) and the ADMIN_EMAIL
// bootstrap. Changing a password or deactivating an account ends its sessions at once; a password an
// administrator chooses passes the same policy as one the organiser chooses (passwords.policy.ts).
import type { Kysely } from 'kysely';
import type { AccountRole, Database } from '../../../db/schema.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { errors } from '../../lib/errors.ts';
import { msg, text } from '../../lib/i18n.ts';
import { authErrors } from './accounts.errors.ts';
import * as repo from './accounts.repository.ts';
import type { AccountView, CreateAccountInput, UpdateAccountInput } from './accounts.schemas.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import { passwordWeakness } from './passwords.policy.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * Creates the account, or resets its password and re-activates it when the address exists (`npm run
 * admin`, which has checked the password against the policy). Returns what happened.
 */
export async function upsertAccountWithPassword(
  db: Kysely<Database>,
  input: { email: string; name: string; role: AccountRole; password: string },
  now = new Date(),
): Promise<{ id: string; created: boolean }> {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return inTransaction(db, async (trx) => {
    const existing = await repo.findByEmail(trx, email);
    if (existing) {
      await repo.update(trx, existing.id, { passwordHash, active: true }, now);
      await repo.deleteSignInsOf(trx, existing.id);
      await repo.clearFailures(trx, { email });
      return { id: existing.id, created: false };
    }
    const id = await repo.insert(trx, { email, name: input.name, role: input.role, passwordHash, now });
    return { id, created: true };
  });
}

/**
 * ADMIN_EMAIL/ADMIN_PASSWORD: creates the first administrator when no account has that address, and
 * never touches an existing one. Every start runs this with the variable still set, so resetting the
 * password here would silently undo a change the administrator made (and hand the account to whoever
 * reads the deployment's environment); `npm run admin -- reset` is the deliberate way.
 */
export async function ensureBootstrapAdministrator(
  db: Kysely<Database>,
  email: string,
  password: string,
  now = new Date(),
): Promise<{ id: string; created: boolean }> {
  const address = email.trim().toLowerCase();
  const existing = await repo.findByEmail(db, address);
  if (existing) return { id: existing.id, created: false };
  const weakness = await passwordWeakness(password, { email: address });
  if (weakness) throw new Error(`ADMIN_PASSWORD ${text('en', weakness)}: choose another one`);
  const id = await repo.insert(db, { email: address, name: 'Amministratore', role: 'administrator', passwordHash: await hashPassword(password), now });
  // Another app node starting at the same moment created it first: theirs stands.
  if (!id) return { id: (await repo.findByEmail(db, address))!.id, created: false };
  return { id, created: true };
}

/** 400 weak_password naming `field`, when the password is a common one. */
async function refuseWeak(field: string, password: string, person: { email?: string; name?: string }) {
  const weakness = await passwordWeakness(password, person);
  if (weakness) throw authErrors.weakPassword(field, weakness);
}

export function accountsService(deps: { db: Kysely<Database>; clock?: () => Date }) {
  const { db } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function views(rows: repo.AccountRecord[]): Promise<AccountView[]> {
    const cycles = await repo.assignmentsOf(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((a) => ({
      id: a.id,
      email: a.email,
      name: a.name,
      role: a.role,
      active: a.active,
      lastLoginAt: iso(a.last_login_at),
      createdAt: iso(a.created_at)!,
      cycles: cycles.filter((c) => c.account_id === a.id).map((c) => ({ id: c.id, slug: c.slug, title: c.title })),
    }));
  }

  async function get(id: string): Promise<AccountView> {
    const row = UUID.test(id) ? await repo.findById(db, id) : undefined;
    if (!row) throw errors.notFound(msg('error_account_not_found'));
    return (await views([row]))[0]!;
  }

  return {
    get,

    async list(): Promise<AccountView[]> {
      return views(await repo.list(db));
    },

    async create(input: CreateAccountInput): Promise<{ account: AccountView; password: string | null }> {
      if (input.password) await refuseWeak('password', input.password, input);
      const generated = input.password ? null : generatePassword();
      const passwordHash = await hashPassword(input.password ?? generated!);
      const id = await repo.insert(db, { email: input.email, name: input.name, role: input.role, passwordHash, now: clock() });
      if (!id) throw authErrors.emailTaken();
      return { account: await get(id), password: generated };
    },

    async update(id: string, patch: UpdateAccountInput): Promise<AccountView> {
      const account = await get(id);
      if (patch.password) await refuseWeak('password', patch.password, { email: account.email, name: patch.name ?? account.name });
      const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
      await inTransaction(db, async (trx) => {
        const current = (await repo.findById(trx, id))!;
        const losesAdmin =
          current.role === 'administrator' && current.active && (patch.active === false || (patch.role !== undefined && patch.role !== 'administrator'));
        if (losesAdmin && (await repo.countOtherActiveAdministrators(trx, id)) === 0) throw authErrors.lastAdministrator();
        await repo.update(trx, id, { name: patch.name, role: patch.role, active: patch.active, passwordHash }, clock());
        // A new password or a deactivation must not leave an old sign-in alive; a role change applies
        // on the next request anyway (the role is read with the session).
        if (passwordHash || patch.active === false) await repo.deleteSignInsOf(trx, id);
      });
      return get(id);
    },
  };
}

export type AccountsService = ReturnType<typeof accountsService>;
