// What every repository function takes first: the pool's Kysely or an open transaction, so one function
// serves a plain read and a step inside a caller's transaction alike.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';

export type Executor = Kysely<Database> | Transaction<Database>;
