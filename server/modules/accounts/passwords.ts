// Password hashing with argon2id (@node-rs/argon2), at OWASP's minimum recommendation: 19 MiB of
// memory, 2 passes, 1 lane. The PHC string ($argon2id$v=19$m=19456,t=2,p=1$salt$hash) carries its own
// parameters, so raising them later only needs a rehash at the next sign-in.
import { randomBytes } from 'node:crypto';

/** The native argon2 addon, loaded at the first hash or check rather than at start-up (idle memory, issue 13). */
const argon2 = () => import('@node-rs/argon2');

// The package's default algorithm is argon2id; its `Algorithm` is a const enum that isolatedModules
// can't import, so the default is relied on and the migration's CHECK (password_hash LIKE '$argon2id$%')
// refuses anything else.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export async function hashPassword(password: string): Promise<string> {
  return (await argon2()).hash(password, OPTIONS);
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  const { verify } = await argon2();
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/**
 * Spends the same work as a real check when the address is unknown or the account inactive, so the
 * answer time does not tell which addresses have accounts.
 */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString('base64url'));
  await verifyPassword(await dummy, password);
}

/** 18 random bytes in base64url (24 characters): what the CLI and the console print when none is given. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
