// Inputs and outputs of sign-in and account management.
import { z } from 'zod';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.policy.ts';

const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((v) => v.toLowerCase());
const password = z.string().min(PASSWORD_MIN).max(PASSWORD_MAX);

export const RoleSchema = z.enum(['administrator', 'organiser']);

export const LoginBody = z.object({ email: z.string().trim().max(254), password: z.string().max(PASSWORD_MAX) });

export const MeSchema = z.object({
  account: z.object({ id: z.uuid(), email: z.string(), name: z.string(), role: RoleSchema }),
  /** Send it back in the x-csrf-token header of every POST/PUT/PATCH/DELETE. */
  csrfToken: z.string(),
  expiresAt: z.string().optional(),
});

export const ChangePasswordBody = z.object({ currentPassword: z.string().max(PASSWORD_MAX), newPassword: password });

export const AccountSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  active: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  cycles: z.array(z.object({ id: z.uuid(), slug: z.string(), title: z.string() })),
});
export type AccountView = z.infer<typeof AccountSchema>;

export const CreateAccountBody = z.object({
  email,
  name: z.string().trim().min(1).max(200),
  role: RoleSchema,
  /** Omitted: one is generated and returned once in `password`. */
  password: password.optional(),
});
export type CreateAccountInput = z.infer<typeof CreateAccountBody>;

export const CreatedAccountSchema = z.object({ account: AccountSchema, password: z.string().nullable() });

export const UpdateAccountBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    role: RoleSchema.optional(),
    active: z.boolean().optional(),
    password: password.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type UpdateAccountInput = z.infer<typeof UpdateAccountBody>;

export const AccountParams = z.object({ id: z.string().max(64) });
