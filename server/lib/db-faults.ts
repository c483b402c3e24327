// Which errors mean "the database is unavailable for now" (down, restarting, overloaded, or a
// transaction that kept losing to others): answered 503 with Retry-After by the errors plugin, and
// survived, never fatal, wherever else they surface (server.ts). One list, so both agree.
const DB_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03', // admin shutdown, crash shutdown, cannot connect now
  '53300', // too many connections
  // Connection exceptions (class 08): the connection failed or died under the statement.
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  // Serialization failure and deadlock: retried a few times (lib/db-retry.ts) before reaching here.
  '40001',
  '40P01',
  '55P03', // lock not available (a lock_timeout): busy, not broken
]);

/**
 * pg and pg-pool failures that carry no code, only a message: the pool's own connection timeout, a
 * connection that ended under a query, and a client used after its connection failed (Kysely's
 * ROLLBACK after the connection died reports this one instead of the original error).
 */
const DB_UNAVAILABLE_MESSAGES = new Set([
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Query read timeout',
]);

/**
 * The database is down, restarting, or every pooled connection is busy for longer than the pool's
 * connectionTimeoutMillis (a burst of sign-ups when a popular cycle opens), or a transaction kept
 * losing to others: a 503 the client may retry, not a 500 that reads as a bug.
 */
export function isDatabaseUnavailable(err: { code?: string; message?: string }): boolean {
  return DB_UNAVAILABLE_CODES.has(err.code ?? '') || DB_UNAVAILABLE_MESSAGES.has(err.message ?? '');
}
