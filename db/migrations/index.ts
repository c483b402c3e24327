// Every migration, by name. A static list (rather than reading the folder) so the same set runs under
// tsx, vitest and any bundler; names sort by their date prefix, which is the order Kysely applies them.
import type { Migration } from 'kysely';
import * as core from './2026-11-26T1200_core.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-26T1200_core': core,
};
