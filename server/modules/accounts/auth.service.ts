// Sign-in, server-side sessions and failed-sign-in throttling. Every piece of state lives in
// PostgreSQL, so any number of app nodes agree on who is signed in and who is locked out.
//
// - The cookie carries 256 random bits; the table keeps only their SHA-256 (a database copy can't be
//   replayed). A new id is issued at every sign-in (no session fixation); sign-out deletes the row.
// - A session dies after `idleMs` without requests (SESSION_IDLE_MINUTES, 30 by default) or ABSOLUTE_MS
//   after sign-in, whichever comes first.
// - Failed sign-ins are throttled per account (5 failures, then a block of 1 minute that doubles with
//   each further block up to 15) and per client address (50 failures in 15 minutes), atomically even
//   under a burst: the exact policy, and why a claim precedes the password check, in login.throttle.ts.
// - The CSRF token is derived from the session id with the server secret (HMAC), so it needs no
//   storage, changes with every session, and can't be computed from what the database holds.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountRole, Database } from '../../../db/schema.ts';
import { inTransaction } from '../../lib/db-retry.ts';
import { hashToken, type TokenKit } from '../../lib/tokens.ts';
import { authErrors } from './accounts.errors.ts';
import * as repo from './accounts.repository.ts';
import { loginThrottle } from './login.throttle.ts';
import { burnVerification, hashPassword, verifyPassword } from './passwords.ts';
import { passwordWeakness } from './passwords.policy.ts';

export const ABSOLUTE_MS = 12 * 3_600_000;
/** last_seen_at is written at most once a minute per session, not on every request. */
const TOUCH_EVERY_MS = 60_000;
const SIGN_IN_ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface SignedInAccount {
  id: string;
  email: string;
  name: string;
  role: AccountRole;
}

export interface AuthContext {
  account: SignedInAccount;
  /** The cookie value; kept on the request only, never stored. */
  signInId: string;
  csrfToken: string;
}

export type AuthResult = { ok: true; auth: AuthContext } | { ok: false; reason: 'unknown' | 'expired' };

export interface AuthDeps {
  db: Kysely<Database>;
  tokens: TokenKit;
  /** Config's sessionIdleMs (SESSION_IDLE_MINUTES). */
  idleMs: number;
  clock?: () => Date;
}

export function authService(deps: AuthDeps) {
  const { db, tokens, idleMs } = deps;
  const clock = deps.clock ?? (() => new Date());
  const throttle = loginThrottle(db);
  const csrfOf = (signInId: string) => tokens.token('csrf', signInId, 1);
  const pick = (a: { id: string; email: string; name: string; role: AccountRole }): SignedInAccount => ({
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
  });

  return {
    csrfOf,

    /** Constant-time check of the x-csrf-token header against the session's token. */
    csrfMatches(presented: string, auth: AuthContext): boolean {
      return tokens.matches(presented, auth.csrfToken);
    },

    async login(input: { email: string; password: string; ip: string; userAgent: string | null }) {
      const now = clock();
      const email = input.email.trim().toLowerCase();
      const claim = await throttle.claim(email, input.ip, now);
      const account = await repo.findByEmail(db, email);
      let ok = false;
      if (account && account.active) ok = await verifyPassword(account.password_hash, input.password);
      else await burnVerification(input.password);
      if (!ok || !account) {
        await throttle.failed(claim, now);
        throw authErrors.invalidCredentials();
      }

      const signInId = randomBytes(32).toString('base64url');
      await inTransaction(db, async (trx) => {
        await throttle.succeeded(trx, claim);
        await repo.insertSignIn(trx, {
          idHash: hashToken(signInId),
          accountId: account.id,
          now,
          expiresAt: new Date(now.getTime() + ABSOLUTE_MS),
          ip: input.ip,
          userAgent: input.userAgent?.slice(0, 300) ?? null,
        });
        await repo.update(trx, account.id, { lastLoginAt: now }, now);
      });
      // Housekeeping on the (rare) sign-in path keeps both tables small without a scheduled job.
      await repo.deleteDeadSignIns(db, now, new Date(now.getTime() - idleMs));
      await throttle.sweep(now);
      return { signInId, csrfToken: csrfOf(signInId), account: pick(account), expiresAt: new Date(now.getTime() + ABSOLUTE_MS) };
    },

    async authenticate(signInId: string): Promise<AuthResult> {
      if (!SIGN_IN_ID_SHAPE.test(signInId)) return { ok: false, reason: 'unknown' };
      const now = clock();
      const idHash = hashToken(signInId);
      const s = await repo.findSignIn(db, idHash);
      if (!s) return { ok: false, reason: 'unknown' };
      const lastSeen = new Date(s.last_seen_at).getTime();
      // An ended session stays refused by the same test until sign-in's housekeeping removes it. It is not
      // deleted here: a page sends several requests at once, and the ones that found it already deleted
      // answered "unknown" instead of "expired", so the sign-in page sometimes lost its "session expired".
      if (!s.active || now >= new Date(s.expires_at) || now.getTime() - lastSeen >= idleMs) {
        return { ok: false, reason: s.active ? 'expired' : 'unknown' };
      }
      if (now.getTime() - lastSeen >= TOUCH_EVERY_MS) await repo.touchSignIn(db, idHash, now);
      return { ok: true, auth: { account: pick(s), signInId, csrfToken: csrfOf(signInId) } };
    },

    async logout(signInId: string) {
      await repo.deleteSignIn(db, hashToken(signInId));
    },

    /** Own password change: checks the current one, keeps this session, ends every other. */
    async changePassword(auth: AuthContext, current: string, next: string) {
      const account = await repo.findByEmail(db, auth.account.email);
      if (!account || !(await verifyPassword(account.password_hash, current))) throw authErrors.wrongPassword();
      const weakness = await passwordWeakness(next, account);
      if (weakness) throw authErrors.weakPassword('newPassword', weakness);
      const now = clock();
      const passwordHash = await hashPassword(next);
      await inTransaction(db, async (trx) => {
        await repo.update(trx, account.id, { passwordHash }, now);
        await repo.deleteSignInsOf(trx, account.id, hashToken(auth.signInId));
      });
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
