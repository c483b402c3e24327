// Which database errors the mail task waits out after SMTP accepted a message (isDatabaseUnreachable):
// the database not reachable, as opposed to a statement it answered with an error.
import { describe, expect, it } from 'vitest';
import { isDatabaseUnreachable } from '../../server/modules/mail/mail.task.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnreachable', () => {
  it('waits out a restart, a terminated backend, a refused or dropped connection', () => {
    for (const e of [
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('55000', 'database "x" is not currently accepting connections'),
      withCode('08006'),
      withCode('53300', 'too many clients'),
      withCode('ECONNREFUSED'),
      withCode('ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
    ]) {
      expect(isDatabaseUnreachable(e), e.message).toBe(true);
    }
  });

  it('does not wait out an answer: a constraint, a syntax error, a bug', () => {
    for (const e of [withCode('23514', 'check constraint'), withCode('42601', 'syntax error'), new TypeError('x is not a function')]) {
      expect(isDatabaseUnreachable(e), e.message).toBe(false);
    }
  });
});
